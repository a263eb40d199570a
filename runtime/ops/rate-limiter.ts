import { isRefilled, takeToken, type TokenBucketState } from './token-bucket';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Requests per minute per client; 0 disables the limiter. */
  readonly requestsPerMinute: number;
  /** Most buckets kept (default 10 000); past it, the least recently used go first. */
  readonly maxClients?: number;
  readonly now?: () => number;
}

/** Answer of {@link RateLimiter.take}. */
export interface RateDecision {
  readonly allowed: boolean;
  readonly retryAfterSeconds: number;
}

/**
 * Per-client token buckets (per pod): capacity = the per-minute limit, refill
 * limit/60 per second. The map is bounded: full (idle) buckets are evicted and
 * the least recently used go first when it is full.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucketState>();
  private readonly maxClients: number;
  private readonly now: () => number;
  private limit: number;
  private calls = 0;

  constructor(options: RateLimiterOptions) {
    this.limit = options.requestsPerMinute;
    this.maxClients = options.maxClients ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Current per-minute limit (0 = disabled). */
  get requestsPerMinute(): number {
    return this.limit;
  }

  /** Changes the limit (config reload); buckets restart full when it changes. */
  setLimit(requestsPerMinute: number): void {
    if (requestsPerMinute !== this.limit) {
      this.limit = requestsPerMinute;
      this.buckets.clear();
    }
  }

  /** Number of buckets held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes one request's token for `client`. */
  take(client: string): RateDecision {
    if (this.limit <= 0) return { allowed: true, retryAfterSeconds: 0 };
    const now = this.now();
    const previous = this.buckets.get(client);
    const result = takeToken(previous, this.limit, now);
    this.buckets.delete(client); // re-insert: Map order = recency
    this.buckets.set(client, result.state);
    if (++this.calls % 1024 === 0 || this.buckets.size > this.maxClients) this.evict(now);
    return { allowed: result.allowed, retryAfterSeconds: result.retryAfterSeconds };
  }

  private evict(now: number): void {
    for (const [client, state] of this.buckets) {
      if (isRefilled(state, this.limit, now)) this.buckets.delete(client);
    }
    while (this.buckets.size > this.maxClients) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
  }
}
