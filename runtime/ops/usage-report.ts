import type { ProxyConfig } from '../../src/contract';
import type { AttemptFinishedEvent, BreakerTransitionEvent, FailoverEvent, ProxyEvents, RequestFinishedEvent, RequestStartedEvent } from '../events';
import { ModelLabels } from './model-label';
import { addCounters, BREAKDOWN_FIELDS, parseEntryField, stat, STATS_FIELDS, usageCountersOf, visitUsageCounters, type UsageCounters } from './usage-counters';

/** Totals of one model or upstream in the usage report. */
export interface UsageBreakdown {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  /** Part of `input_tokens` read from the provider's prompt cache. */
  cached_input_tokens: number;
  /** Part of `input_tokens` written to the prompt cache. */
  cache_write_tokens: number;
  /** Part of `output_tokens` spent on reasoning. */
  reasoning_tokens: number;
  cost_usd: number;
}

/**
 * The seed's `get_usage_report()` fields plus `by_model`, `by_upstream` and
 * `failover_cost_usd`. `total_cost_<currency>` is keyed by the display
 * currency (seed: `total_cost_cny`).
 */
export interface UsageReport {
  total_input_tokens: number;
  total_output_tokens: number;
  /** Part of `total_input_tokens` read from the prompt cache. */
  total_cached_input_tokens: number;
  /** Part of `total_input_tokens` written to the prompt cache. */
  total_cache_write_tokens: number;
  /** Part of `total_output_tokens` spent on reasoning. */
  total_reasoning_tokens: number;
  total_cost_usd: number;
  [displayCost: `total_cost_${string}`]: number;
  avg_cost_per_1m_input: number;
  stats: { total_requests: number; successful_requests: number; failed_requests: number; failover_count: number };
  failover_cost_usd: number;
  by_model: Record<string, UsageBreakdown>;
  by_upstream: Record<string, UsageBreakdown>;
  since: string;
  /** `pod` (this replica, the default) or `fleet` (every replica sharing the Redis, `?scope=fleet`). */
  scope: UsageScope;
}

/**
 * Rounds like Python's `round(x, digits)` (digits 0..20): to the nearest
 * multiple of 10^-digits of the exact binary value, ties to even; so
 * round(0.125, 2) = 0.12 (an exact tie), round(2.5, 0) = 2, and
 * round(2.675, 2) = 2.67 (2.675 is 2.67499999... in binary).
 */
export function round(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0 || Math.abs(value) >= 1e21) return value;
  const tie = exactTie(Math.abs(value), digits);
  if (tie === undefined) {
    // not a tie: toFixed rounds the exact binary value to the nearest, which is Python's answer
    return Number(value.toFixed(digits));
  }
  const even = tie % 2n === 0n ? tie : tie + 1n;
  const magnitude = Number(even) / 10 ** digits;
  return value < 0 ? -magnitude : magnitude;
}

/**
 * When |x|·10^digits is exactly n + 0.5, returns n; otherwise undefined.
 * Exact: x is decomposed into mantissa · 2^exponent and checked with BigInt.
 */
function exactTie(x: number, digits: number): bigint | undefined {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  // IEEE 754 binary64: 1 sign bit (x > 0 here), 11 exponent bits, 52 fraction bits
  const biased = Math.floor(hi / 2 ** 20) % 2048;
  const fraction = BigInt(hi % 2 ** 20) * 2n ** 32n + BigInt(lo);
  const mantissa = biased === 0 ? fraction : fraction + 2n ** 52n;
  const exponent = biased === 0 ? -1074 : biased - 1075;
  // 2·x·10^digits = mantissa · 2 · 10^digits · 2^exponent must be an odd integer
  const doubled = mantissa * 2n * 10n ** BigInt(digits);
  const shift = -exponent;
  if (shift <= 0) return undefined; // an even integer
  const divisor = 2n ** BigInt(shift);
  if (doubled % divisor !== 0n) return undefined;
  const odd = doubled / divisor;
  if (odd % 2n === 0n) return undefined;
  return (odd - 1n) / 2n;
}

/** Which replicas a report covers: this pod, or every replica sharing the Redis. */
export type UsageScope = 'pod' | 'fleet';

/**
 * Accumulates usage and cost since start from `requestFinished` events
 * (streamed and not) as flat counters ({@link usageCountersOf}) and renders
 * the playbook's report. `onCounted` receives each request's counters (shared
 * state sums them across the replicas).
 */
export class UsageTracker implements ProxyEvents {
  private readonly counters = new Map<string, number>();
  private readonly since: string;
  private currency: ProxyConfig['currency'];
  private readonly models: ModelLabels;
  private onCounted: ((counters: ReadonlyArray<[string, number]>) => void) | undefined;

  constructor(config: ProxyConfig, now: () => number = Date.now) {
    this.currency = config.currency;
    this.models = new ModelLabels(config);
    this.since = new Date(now()).toISOString();
  }

  /** Start of this pod's counts (ISO 8601). */
  get startedAt(): string {
    return this.since;
  }

  /** The display currency (follows reloads). */
  get displayCurrency(): ProxyConfig['currency'] {
    return this.currency;
  }

  /** Passes each counted request's counters to `listener` too (one listener). */
  forwardCounters(listener: (counters: ReadonlyArray<[string, number]>) => void): void {
    this.onCounted = listener;
  }

  /** Follows a reloaded config (currency, known models). */
  configChanged(config: ProxyConfig): void {
    this.currency = config.currency;
    this.models.update(config);
  }

  requestStarted(_event: RequestStartedEvent): void {
    // not used here
  }
  attemptFinished(_event: AttemptFinishedEvent): void {
    // not used here
  }
  failover(_event: FailoverEvent): void {
    // not used here
  }
  retryBudgetRejected(_event: { readonly upstream: string }): void {
    // not used here
  }
  breakerTransition(_event: BreakerTransitionEvent): void {
    // not used here
  }
  streamOpened(): void {
    // not used here
  }
  streamClosed(): void {
    // not used here
  }

  /** Counts one finished request ({@link usageCountersOf} says which count). */
  requestFinished(event: RequestFinishedEvent): void {
    const label = this.models.label(event.model);
    if (this.onCounted === undefined) {
      // no one else needs the list (no shared state): add into the map as the counters come
      visitUsageCounters(event, label, this.add);
      return;
    }
    const counters = usageCountersOf(event, label);
    if (!counters) return;
    addCounters(this.counters, counters);
    this.onCounted(counters);
  }

  /** Adds one counter (bound once, so passing it allocates nothing). */
  private readonly add = (name: string, value: number): void => {
    this.counters.set(name, (this.counters.get(name) ?? 0) + value);
  };

  /** The report `/v1/usage` returns for this pod, with the playbook's formulas and rounding. */
  report(): UsageReport {
    return renderUsageReport(this.counters, this.currency, this.since, 'pod');
  }
}

/** The report from flat counters (this pod's, or the fleet's summed in Redis). */
export function renderUsageReport(counters: UsageCounters, currency: ProxyConfig['currency'], since: string, scope: UsageScope): UsageReport {
  const get = (field: string): number => counters.get(field) ?? 0;
  const code = currency.code.toLowerCase();
  const cost = get('total_cost_usd');
  const input = get('total_input_tokens');
  const stats = Object.fromEntries(STATS_FIELDS.map((field) => [field, get(stat(field))])) as UsageReport['stats'];
  return {
    total_input_tokens: input,
    total_output_tokens: get('total_output_tokens'),
    total_cached_input_tokens: get('total_cached_input_tokens'),
    total_cache_write_tokens: get('total_cache_write_tokens'),
    total_reasoning_tokens: get('total_reasoning_tokens'),
    total_cost_usd: round(cost, 4),
    [`total_cost_${code}`]: round(cost * currency.perUsd, 2),
    avg_cost_per_1m_input: round(input > 0 ? (cost / input) * 1_000_000 : 0, 2),
    stats,
    failover_cost_usd: round(get('failover_cost_usd'), 4),
    by_model: breakdowns(counters, 'by_model'),
    by_upstream: breakdowns(counters, 'by_upstream'),
    since,
    scope,
  } as UsageReport;
}

function breakdowns(counters: UsageCounters, group: string): Record<string, UsageBreakdown> {
  // null prototype: a key such as `__proto__` stays an own property
  const out = Object.create(null) as Record<string, UsageBreakdown>;
  for (const [counter, value] of counters) {
    const parsed = parseEntryField(counter);
    if (!parsed || parsed.group !== group) continue;
    out[parsed.name] ??= Object.fromEntries(BREAKDOWN_FIELDS.map((field) => [field, 0])) as unknown as UsageBreakdown;
    (out[parsed.name] as unknown as Record<string, number>)[parsed.field] = value;
  }
  for (const entry of Object.values(out)) entry.cost_usd = round(entry.cost_usd, 6);
  return out;
}
