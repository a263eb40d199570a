/** State of one token bucket; pure data. */
export interface TokenBucketState {
  readonly tokens: number;
  /** Time of the last refill, in ms. */
  readonly updatedAt: number;
}

/** Result of {@link takeToken}. */
export interface TakeResult {
  readonly allowed: boolean;
  readonly state: TokenBucketState;
  /** When refused: seconds until one token is available (>= 1, rounded up). */
  readonly retryAfterSeconds: number;
}

/**
 * Takes one token from a bucket of `capacity` refilled at `capacity / 60` per
 * second (a per-minute limit). Pure: the caller passes `now` (ms) and keeps
 * the returned state. A missing state is a full bucket.
 */
export function takeToken(state: TokenBucketState | undefined, capacity: number, now: number): TakeResult {
  const ratePerMs = capacity / 60_000;
  const current = state ?? { tokens: capacity, updatedAt: now };
  const elapsed = Math.max(0, now - current.updatedAt);
  const tokens = Math.min(capacity, current.tokens + elapsed * ratePerMs);
  if (tokens >= 1) {
    return { allowed: true, state: { tokens: tokens - 1, updatedAt: now }, retryAfterSeconds: 0 };
  }
  const waitMs = (1 - tokens) / ratePerMs;
  return { allowed: false, state: { tokens, updatedAt: now }, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** True when a bucket last touched at `updatedAt` is full again by `now` (safe to forget). */
export function isRefilled(state: TokenBucketState, capacity: number, now: number): boolean {
  return state.tokens + Math.max(0, now - state.updatedAt) * (capacity / 60_000) >= capacity;
}
