/** Settings of a {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries may add at most this share of requests (0..1). */
  readonly ratio: number;
  /** Retries per second always allowed, whatever the ratio. */
  readonly minPerSecond: number;
  /** Window over which requests and retries are counted, in ms (default 10 s). */
  readonly windowMs?: number;
}

/**
 * A retry budget (as in Finagle / Envoy): over a sliding window of one-second
 * buckets, a retry is allowed while
 * `retries < max(minPerSecond * windowSeconds, ratio * requests)`:
 * at least `minPerSecond` retries per second, otherwise capped at `ratio` of
 * requests (the floor and the ratio are not added up). Under a sustained
 * outage retries add at most `ratio` to upstream load, while a lone request
 * can still fail over. Pure: time is a parameter.
 */
export class RetryBudget {
  private readonly windowMs: number;
  private readonly buckets: number;
  private readonly requests: number[];
  private readonly retries: number[];
  private readonly stamps: number[];

  public constructor(private readonly options: RetryBudgetOptions) {
    if (!(options.ratio >= 0 && options.ratio <= 1) || !(options.minPerSecond >= 0)) {
      throw new Error(`retry budget needs 0 <= ratio <= 1 and minPerSecond >= 0 (received ${options.ratio}, ${options.minPerSecond})`);
    }
    this.windowMs = options.windowMs ?? 10_000;
    this.buckets = Math.max(1, Math.ceil(this.windowMs / 1000));
    this.requests = new Array<number>(this.buckets).fill(0);
    this.retries = new Array<number>(this.buckets).fill(0);
    this.stamps = new Array<number>(this.buckets).fill(-1);
  }

  /** Records a first attempt (a request). */
  public recordRequest(now: number): void {
    this.requests[this.bucket(now)] += 1;
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  public tryAcquireRetry(now: number): boolean {
    this.bucket(now);
    const { requests, retries } = this.totals(now);
    const allowed = Math.max(this.options.minPerSecond * (this.windowMs / 1000), this.options.ratio * requests);
    if (retries + 1 > allowed) {
      return false;
    }
    this.retries[this.bucket(now)] += 1;
    return true;
  }

  /** Requests and retries counted in the window ending at `now`. */
  public totals(now: number): { requests: number; retries: number } {
    const second = Math.floor(now / 1000);
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < this.buckets; i++) {
      if (this.stamps[i] > second - this.buckets) {
        requests += this.requests[i];
        retries += this.retries[i];
      }
    }
    return { requests, retries };
  }

  private bucket(now: number): number {
    const second = Math.floor(now / 1000);
    const index = ((second % this.buckets) + this.buckets) % this.buckets;
    if (this.stamps[index] !== second) {
      this.stamps[index] = second;
      this.requests[index] = 0;
      this.retries[index] = 0;
    }
    return index;
  }
}
