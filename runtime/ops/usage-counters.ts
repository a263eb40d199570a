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
  if (!USAGE_ROUTES.has(event.route)) return undefined;
  if (event.status === 413 && event.attempts === 0) return undefined;
  const tokens = {
    input_tokens: event.usage?.promptTokens ?? 0,
    output_tokens: event.usage?.completionTokens ?? 0,
    cached_input_tokens: event.usage?.cachedTokens ?? 0,
    cache_write_tokens: event.usage?.cacheWriteTokens ?? 0,
    reasoning_tokens: event.usage?.reasoningTokens ?? 0,
  };
  const cost = event.costUsd ?? 0;
  const ok = event.status < 400;
  const counters: Array<[string, number]> = [
    [stat('total_requests'), 1],
    [stat(ok ? 'successful_requests' : 'failed_requests'), 1],
    // the playbook's formula: +1 per failed retryable attempt (429, 5xx, timeout, connection error),
    // not per upstream switch (that is the metric ai_failover_failovers_total)
    [stat('failover_count'), event.failedAttempts],
    ['total_input_tokens', tokens.input_tokens],
    ['total_output_tokens', tokens.output_tokens],
    ['total_cached_input_tokens', tokens.cached_input_tokens],
    ['total_cache_write_tokens', tokens.cache_write_tokens],
    ['total_reasoning_tokens', tokens.reasoning_tokens],
    ['total_cost_usd', cost],
    ['failover_cost_usd', event.failovers > 0 ? cost : 0],
  ];
  const entry: Record<(typeof BREAKDOWN_FIELDS)[number], number> = { requests: 1, ...tokens, cost_usd: cost };
  const breakdown = (group: string, name: string): void => {
    const names = breakdownFieldNames(group, name);
    BREAKDOWN_FIELDS.forEach((field, i) => counters.push([names[i], entry[field]]));
  };
  breakdown('by_model', modelLabel);
  if (event.upstream !== undefined) breakdown('by_upstream', event.upstream);
  return counters;
}

const FIELD_NAMES = new Map<string, readonly string[]>();
/** Bound on {@link FIELD_NAMES}: names are model labels and upstream names, a few dozen in practice. */
const MAX_FIELD_NAMES = 4096;

/**
 * The {@link BREAKDOWN_FIELDS} counter names of one entry, in that order,
 * built once: the same strings every request (a map finds a string it saw
 * before faster than a freshly joined one). Cut the usage counters of a
 * request from ~4.6 µs to ~2 µs (issue 12).
 */
function breakdownFieldNames(group: string, name: string): readonly string[] {
  const key = `${group}${FIELD_SEPARATOR}${name}`;
  let names = FIELD_NAMES.get(key);
  if (names === undefined) {
    if (FIELD_NAMES.size >= MAX_FIELD_NAMES) FIELD_NAMES.clear();
    names = BREAKDOWN_FIELDS.map((field) => entryField(group, name, field));
    FIELD_NAMES.set(key, names);
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
