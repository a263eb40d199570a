import type { BreakerStateName } from '../events';

/**
 * The breaker decision, separate from the state machine (cockatiel's
 * `IBreaker`): two methods, told about each call, saying whether a closed
 * breaker should open. Pure: time is a parameter. What a policy counts is
 * read through its own reporting getters (breaker-stats.ts), not through
 * this interface.
 */
export interface BreakerPolicy {
  /**
   * A call succeeded. `state` is the breaker's state: a success in
   * `half_open` is the one that closes it, and the policy starts over.
   */
  success(now: number, state: BreakerStateName): void;
  /** A call failed while the breaker was `state`; true when the breaker should open. */
  failure(now: number, state: BreakerStateName): boolean;
}

/** Opens after `threshold` failures in a row (cockatiel's `ConsecutiveBreaker`). */
export class ConsecutiveBreaker implements BreakerPolicy {
  private count = 0;

  public constructor(private threshold: number) {}

  /** Applies a new threshold (config reload) and keeps the count. */
  public configure(threshold: number): void {
    this.threshold = threshold;
  }

  /** Failures in a row so far. */
  public get consecutiveFailures(): number {
    return this.count;
  }

  public success(): void {
    this.count = 0;
  }

  public failure(): boolean {
    this.count += 1;
    return this.count >= this.threshold;
  }
}

/** Settings of a {@link SamplingBreaker}. */
export interface SamplingBreakerOptions {
  /** Failure ratio over the window that opens the breaker (0..1). */
  readonly threshold: number;
  /** Window length, in ms. */
  readonly windowMs: number;
  /** Calls in the window before the ratio may open the breaker. */
  readonly minimumCalls: number;
}

const BUCKETS = 10;

/**
 * Opens when the failure ratio over a sliding window (10 buckets) reaches a
 * threshold with at least `minimumCalls` calls in it (cockatiel's
 * `SamplingBreaker`).
 */
export class SamplingBreaker implements BreakerPolicy {
  private bucketMs: number;
  private readonly okCounts = new Array<number>(BUCKETS).fill(0);
  private readonly failCounts = new Array<number>(BUCKETS).fill(0);
  private readonly stamps = new Array<number>(BUCKETS).fill(Number.NEGATIVE_INFINITY);

  public constructor(private options: SamplingBreakerOptions) {
    this.bucketMs = Math.max(1, options.windowMs / BUCKETS);
  }

  /** Applies new settings (config reload); the window's counts stay unless its length changed. */
  public configure(options: SamplingBreakerOptions): void {
    if (options.windowMs !== this.options.windowMs) {
      this.clear();
      this.bucketMs = Math.max(1, options.windowMs / BUCKETS);
    }
    this.options = options;
  }

  public success(now: number, state: BreakerStateName): void {
    // the success that closes a half-open breaker starts a fresh window
    if (state === 'half_open') this.clear();
    else this.okCounts[this.bucket(now)] += 1;
  }

  public failure(now: number): boolean {
    this.failCounts[this.bucket(now)] += 1;
    const { ok, failed } = this.totals(now);
    const calls = ok + failed;
    return calls >= this.options.minimumCalls && failed / calls >= this.options.threshold;
  }

  /** Failure ratio 0..1 over the window ending at `now` (0 without calls). */
  public errorRate(now: number): number {
    const { ok, failed } = this.totals(now);
    return ok + failed === 0 ? 0 : failed / (ok + failed);
  }

  private clear(): void {
    this.okCounts.fill(0);
    this.failCounts.fill(0);
    this.stamps.fill(Number.NEGATIVE_INFINITY);
  }

  private totals(now: number): { ok: number; failed: number } {
    const slot = Math.floor(now / this.bucketMs);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (this.stamps[i] > slot - BUCKETS) {
        ok += this.okCounts[i];
        failed += this.failCounts[i];
      }
    }
    return { ok, failed };
  }

  private bucket(now: number): number {
    const slot = Math.floor(now / this.bucketMs);
    const index = ((slot % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.stamps[index] !== slot) {
      this.stamps[index] = slot;
      this.okCounts[index] = 0;
      this.failCounts[index] = 0;
    }
    return index;
  }
}

/**
 * Opens when any of its policies says so; every policy hears every call (no
 * short circuit), so each keeps its own count. Compose, e.g.
 * `new AnyBreaker([new ConsecutiveBreaker(5), new SamplingBreaker({...})])`.
 */
export class AnyBreaker implements BreakerPolicy {
  public constructor(private readonly policies: readonly BreakerPolicy[]) {}

  public success(now: number, state: BreakerStateName): void {
    for (const policy of this.policies) policy.success(now, state);
  }

  public failure(now: number, state: BreakerStateName): boolean {
    let open = false;
    for (const policy of this.policies) open = policy.failure(now, state) || open;
    return open;
  }
}
