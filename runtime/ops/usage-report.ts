import { PATHS, type ProxyConfig } from '../../src/contract';
import type { AttemptFinishedEvent, BreakerTransitionEvent, FailoverEvent, ProxyEvents, RequestFinishedEvent, RequestStartedEvent } from '../events';
import { ModelLabels } from './model-label';

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

/** Routes the usage report counts (the seed's report is about completions); `GET /v1/models` is not one. */
const USAGE_ROUTES: ReadonlySet<string> = new Set([PATHS.completions, PATHS.chatCompletions, PATHS.embeddings, PATHS.responses, PATHS.messages]);

/**
 * Accumulates usage and cost since start from `requestFinished` events
 * (streamed and not) and renders the seed's report.
 */
export class UsageTracker implements ProxyEvents {
  private inputTokens = 0;
  private outputTokens = 0;
  private cachedInputTokens = 0;
  private cacheWriteTokens = 0;
  private reasoningTokens = 0;
  private costUsd = 0;
  private failoverCostUsd = 0;
  private readonly stats = { total_requests: 0, successful_requests: 0, failed_requests: 0, failover_count: 0 };
  private readonly byModel = new Map<string, UsageBreakdown>();
  private readonly byUpstream = new Map<string, UsageBreakdown>();
  private readonly since: string;
  private currency: ProxyConfig['currency'];
  private readonly models: ModelLabels;

  constructor(config: ProxyConfig, now: () => number = Date.now) {
    this.currency = config.currency;
    this.models = new ModelLabels(config);
    this.since = new Date(now()).toISOString();
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

  /**
   * Counts one finished request. A body refused as too large before any
   * upstream attempt (413) is left out, by the same rule whether the size was
   * declared (Content-Length, refused by the server) or counted while reading a
   * chunked body (refused by the engine); metrics count both.
   */
  requestFinished(event: RequestFinishedEvent): void {
    if (!USAGE_ROUTES.has(event.route)) return;
    if (event.status === 413 && event.attempts === 0) return;
    this.stats.total_requests += 1;
    if (event.status < 400) this.stats.successful_requests += 1;
    else this.stats.failed_requests += 1;
    // the seed's formula: +1 per failed retryable attempt (429, 5xx, timeout, connection error),
    // not per upstream switch (that is the metric ai_failover_failovers_total)
    this.stats.failover_count += event.failedAttempts;
    const tokens: Tokens = {
      input: event.usage?.promptTokens ?? 0,
      output: event.usage?.completionTokens ?? 0,
      cached: event.usage?.cachedTokens ?? 0,
      cacheWrite: event.usage?.cacheWriteTokens ?? 0,
      reasoning: event.usage?.reasoningTokens ?? 0,
    };
    const cost = event.costUsd ?? 0;
    this.inputTokens += tokens.input;
    this.outputTokens += tokens.output;
    this.cachedInputTokens += tokens.cached;
    this.cacheWriteTokens += tokens.cacheWrite;
    this.reasoningTokens += tokens.reasoning;
    this.costUsd += cost;
    if (event.failovers > 0) this.failoverCostUsd += cost;
    add(this.byModel, this.models.label(event.model), tokens, cost);
    if (event.upstream !== undefined) add(this.byUpstream, event.upstream, tokens, cost);
  }

  /** The report `/v1/usage` returns, with the seed's formulas and rounding. */
  report(): UsageReport {
    const code = this.currency.code.toLowerCase();
    return {
      total_input_tokens: this.inputTokens,
      total_output_tokens: this.outputTokens,
      total_cached_input_tokens: this.cachedInputTokens,
      total_cache_write_tokens: this.cacheWriteTokens,
      total_reasoning_tokens: this.reasoningTokens,
      total_cost_usd: round(this.costUsd, 4),
      [`total_cost_${code}`]: round(this.costUsd * this.currency.perUsd, 2),
      avg_cost_per_1m_input: round(this.inputTokens > 0 ? (this.costUsd / this.inputTokens) * 1_000_000 : 0, 2),
      stats: { ...this.stats },
      failover_cost_usd: round(this.failoverCostUsd, 4),
      by_model: roundAll(this.byModel),
      by_upstream: roundAll(this.byUpstream),
      since: this.since,
    } as UsageReport;
  }
}

/** Token counts of one request. */
interface Tokens {
  readonly input: number;
  readonly output: number;
  readonly cached: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
}

function add(map: Map<string, UsageBreakdown>, key: string, tokens: Tokens, cost: number): void {
  const entry = map.get(key)
    ?? { requests: 0, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, cost_usd: 0 };
  entry.requests += 1;
  entry.input_tokens += tokens.input;
  entry.output_tokens += tokens.output;
  entry.cached_input_tokens += tokens.cached;
  entry.cache_write_tokens += tokens.cacheWrite;
  entry.reasoning_tokens += tokens.reasoning;
  entry.cost_usd += cost;
  map.set(key, entry);
}

function roundAll(map: Map<string, UsageBreakdown>): Record<string, UsageBreakdown> {
  // null prototype: a key such as `__proto__` stays an own property
  const out = Object.create(null) as Record<string, UsageBreakdown>;
  for (const [key, value] of map) out[key] = { ...value, cost_usd: round(value.cost_usd, 6) };
  return out;
}
