/**
 * Immutable exponential backoff with full jitter: attempt n (0-based) waits a
 * uniform random delay in [0, min(maxDelayMs, baseDelayMs * 2^n)].
 * `next()` returns a new backoff; the receiver never changes.
 */
export class ExponentialBackoff {
  /** Starts a backoff at attempt 0. */
  public static start(baseDelayMs: number, maxDelayMs: number): ExponentialBackoff {
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= baseDelayMs)) {
      throw new Error(`backoff needs 0 <= baseDelayMs <= maxDelayMs (received ${baseDelayMs}, ${maxDelayMs})`);
    }
    return new ExponentialBackoff(baseDelayMs, maxDelayMs, 0);
  }

  private constructor(
    /** First step, in ms. */
    public readonly baseDelayMs: number,
    /** Upper bound of one delay, in ms. */
    public readonly maxDelayMs: number,
    /** 0-based attempt number this backoff is for. */
    public readonly attempt: number,
  ) {}

  /** Largest delay this step may produce (before jitter). */
  public get ceilingMs(): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(this.attempt, 52));
  }

  /** A jittered delay for this step, in ms; `random` returns [0, 1). */
  public delayMs(random: () => number): number {
    const r = Math.min(Math.max(random(), 0), 1);
    return Math.floor(r * this.ceilingMs);
  }

  /** The backoff for the following attempt. */
  public next(): ExponentialBackoff {
    return new ExponentialBackoff(this.baseDelayMs, this.maxDelayMs, this.attempt + 1);
  }
}
