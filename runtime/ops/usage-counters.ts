import { PATHS } from '../../src/contract';
import type { RequestFinishedEvent } from '../events';

/**
 * Usage as flat counters: the one form the pod's report and the fleet's
 * (shared state sums the same counters in Redis) are both rendered from.
 * Fields are `total_input_tokens`, `stats|total_requests`,
 * `by_model|<model>|input_tokens`, ...: groups, names and fields joined by
 * {@link FIELD_SEPARATOR}. Fields whose last part names a cost hold USD.
 */
export type UsageCounters = ReadonlyMap<string, number>;

/** Joins the parts of a counter's name. */
export const FIELD_SEPARATOR = '|';

/** Fields of each `by_model` / `by_upstream` entry, in report order. */
export const BREAKDOWN_FIELDS = ['requests', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd'] as const;

/** Top-level totals, in report order. */
export const TOTAL_FIELDS = ['total_input_tokens', 'total_output_tokens', 'total_cached_input_tokens', 'total_cache_write_tokens', 'total_reasoning_tokens', 'total_cost_usd', 'failover_cost_usd'] as const;

/** `stats` fields, in report order. */
export const STATS_FIELDS = ['total_requests', 'successful_requests', 'failed_requests', 'failover_count'] as const;

/** Routes the usage report counts (the playbook's report is about completions); `GET /v1/models` is not one. */
const USAGE_ROUTES: ReadonlySet<string> = new Set([PATHS.completions, PATHS.chatCompletions, PATHS.embeddings, PATHS.responses, PATHS.messages]);

/**
 * The counters one finished request adds, or undefined when the report
 * leaves it out: routes other than the completion routes, and a body refused
 * as too large before any upstream attempt (413), by the same rule whether
 * the size was declared (refused by the server) or counted while reading a
 * chunked body (refused by the engine); metrics count both.
 */
export function usageCountersOf(event: RequestFinishedEvent, modelLabel: string): Array<[string, number]> | undefined {
  const counters: Array<[string, number]> = [];
  return visitUsageCounters(event, modelLabel, (name, value) => counters.push([name, value])) ? counters : undefined;
}

/** The names of the `stats` counters, built once. */
const STAT = {
  totalRequests: stat('total_requests'),
  successfulRequests: stat('successful_requests'),
  failedRequests: stat('failed_requests'),
  failoverCount: stat('failover_count'),
} as const;

/**
 * {@link usageCountersOf} without the list: hands each counter of the
 * request to `visit`, in the same order; false (nothing visited) when the
 * report leaves the request out. Adding into a map this way allocates
 * nothing per request (the list of pairs cost ~2.7 KB a request, issue 12).
 */
export function visitUsageCounters(event: RequestFinishedEvent, modelLabel: string, visit: (name: string, value: number) => void): boolean {
  if (!USAGE_ROUTES.has(event.route)) return false;
  if (event.status === 413 && event.attempts === 0) return false;
  const usage = event.usage;
  const input = usage?.promptTokens ?? 0;
  const output = usage?.completionTokens ?? 0;
  const cachedInput = usage?.cachedTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  const reasoning = usage?.reasoningTokens ?? 0;
  const cost = event.costUsd ?? 0;
  visit(STAT.totalRequests, 1);
  visit(event.status < 400 ? STAT.successfulRequests : STAT.failedRequests, 1);
  // the playbook's formula: +1 per failed retryable attempt (429, 5xx, timeout, connection error),
  // not per upstream switch (that is the metric ai_failover_failovers_total)
  visit(STAT.failoverCount, event.failedAttempts);
  visit('total_input_tokens', input);
  visit('total_output_tokens', output);
  visit('total_cached_input_tokens', cachedInput);
  visit('total_cache_write_tokens', cacheWrite);
  visit('total_reasoning_tokens', reasoning);
  visit('total_cost_usd', cost);
  visit('failover_cost_usd', event.failovers > 0 ? cost : 0);
  // one entry per model label and per upstream, its fields in BREAKDOWN_FIELDS order
  const entry = (names: readonly string[]): void => {
    visit(names[0], 1);
    visit(names[1], input);
    visit(names[2], output);
    visit(names[3], cachedInput);
    visit(names[4], cacheWrite);
    visit(names[5], reasoning);
    visit(names[6], cost);
  };
  entry(breakdownFieldNames('by_model', modelLabel));
  if (event.upstream !== undefined) entry(breakdownFieldNames('by_upstream', event.upstream));
  return true;
}

/** The names of each entry's counters, by group then name (no key string joined per request). */
const FIELD_NAMES = new Map<string, Map<string, readonly string[]>>();
/** Bound on the names kept per group: names are model labels and upstream names, a few dozen in practice. */
const MAX_FIELD_NAMES = 4096;

/**
 * The {@link BREAKDOWN_FIELDS} counter names of one entry, in that order,
 * built once: the same strings every request (a map finds a string it saw
 * before faster than a freshly joined one). Cut the usage counters of a
 * request from ~4.6 µs to ~2 µs (issue 12).
 */
function breakdownFieldNames(group: string, name: string): readonly string[] {
  let byName = FIELD_NAMES.get(group);
  if (byName === undefined) {
    byName = new Map();
    FIELD_NAMES.set(group, byName);
  }
  let names = byName.get(name);
  if (names === undefined) {
    if (byName.size >= MAX_FIELD_NAMES) byName.clear();
    names = BREAKDOWN_FIELDS.map((field) => entryField(group, name, field));
    byName.set(name, names);
  }
  return names;
}

/** The name of a `stats` counter. */
export function stat(field: string): string {
  return `stats${FIELD_SEPARATOR}${field}`;
}

/** The name of one field of a `by_model` / `by_upstream` entry. */
export function entryField(group: string, name: string, field: string): string {
  return `${group}${FIELD_SEPARATOR}${name}${FIELD_SEPARATOR}${field}`;
}

/** Splits `by_model|<name>|<field>` (the name may hold the separator); undefined for other counters. */
export function parseEntryField(counter: string): { group: string; name: string; field: string } | undefined {
  const first = counter.indexOf(FIELD_SEPARATOR);
  const last = counter.lastIndexOf(FIELD_SEPARATOR);
  if (first < 0 || last <= first) return undefined;
  return { group: counter.slice(0, first), name: counter.slice(first + 1, last), field: counter.slice(last + 1) };
}

/** Adds `counters` into `into`. */
export function addCounters(into: Map<string, number>, counters: Iterable<readonly [string, number]>): void {
  for (const [field, value] of counters) into.set(field, (into.get(field) ?? 0) + value);
}
