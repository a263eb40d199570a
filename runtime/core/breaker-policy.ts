/**
 * The breaker decision, separate from the state machine (cockatiel's
 * `ConsecutiveBreaker` / `SamplingBreaker` idea): a policy only says whether
 * the failures seen so far should open a closed breaker. Pure: time is a parameter.
 */
export interface BreakerPolicy {
  /** Failures in a row. */
  readonly consecutiveFailures: number;
  /** Records a success while closed. */
  success(now: number): void;
  /** Records a failure while closed; true when the breaker should open. */
  failure(now: number): boolean;
  /** Forgets everything (on close). */
  reset(): void;
  /** Failure ratio 0..1 over the policy's window (0 without calls). */
  errorRate(now: number): number;
}

/** Settings of {@link CompositeBreakerPolicy}. */
export interface CompositeBreakerPolicyOptions {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number;
  /** Failure ratio over the window that opens the breaker. */
  readonly failureRateThreshold: number;
  /** Window length, in ms. */
  readonly windowMs: number;
  /** Calls in the window before the ratio may open the breaker. */
  readonly minimumCalls: number;
}

const BUCKETS = 10;

/**
 * Opens after N consecutive failures, or when the failure ratio over a
 * sliding window (10 buckets) exceeds a threshold with at least
 * `minimumCalls` calls in the window.
 */
export class CompositeBreakerPolicy implements BreakerPolicy {
  private consecutive = 0;
  private bucketMs: number;
  private readonly okCounts = new Array<number>(BUCKETS).fill(0);
  private readonly failCounts = new Array<number>(BUCKETS).fill(0);
  private readonly stamps = new Array<number>(BUCKETS).fill(Number.NEGATIVE_INFINITY);

  public constructor(private options: CompositeBreakerPolicyOptions) {
    this.bucketMs = Math.max(1, options.windowMs / BUCKETS);
  }

  /**
   * Applies new settings (config reload) and keeps what was counted: the
   * consecutive failures always, the window's counts unless its length changed.
   */
  public configure(options: CompositeBreakerPolicyOptions): void {
    if (options.windowMs !== this.options.windowMs) {
      this.okCounts.fill(0);
      this.failCounts.fill(0);
      this.stamps.fill(Number.NEGATIVE_INFINITY);
      this.bucketMs = Math.max(1, options.windowMs / BUCKETS);
    }
    this.options = options;
  }

  public get consecutiveFailures(): number {
    return this.consecutive;
  }

  public success(now: number): void {
    this.consecutive = 0;
    this.okCounts[this.bucket(now)] += 1;
  }

  public failure(now: number): boolean {
    this.consecutive += 1;
    this.failCounts[this.bucket(now)] += 1;
    if (this.consecutive >= this.options.failureThreshold) {
      return true;
    }
    const { ok, failed } = this.totals(now);
    const calls = ok + failed;
    return calls >= this.options.minimumCalls && failed / calls >= this.options.failureRateThreshold;
  }

  public reset(): void {
    this.consecutive = 0;
    this.okCounts.fill(0);
    this.failCounts.fill(0);
    this.stamps.fill(Number.NEGATIVE_INFINITY);
  }

  public errorRate(now: number): number {
    const { ok, failed } = this.totals(now);
    return ok + failed === 0 ? 0 : failed / (ok + failed);
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
