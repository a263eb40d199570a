import { createHash } from 'node:crypto';
import type { RedisLink } from './redis-link';
import { LuaScript } from './scripts/lua-script';
import { RATE_LIMIT_SCRIPT } from './scripts/rate-limit-script';
import type { SharedStateFailMode } from './shared-state-settings';

/** Answer of a rate limiter: allowed, or refused with the seconds until the next token. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly retryAfterSeconds: number;
  /** Fail-closed refusal: Redis cannot be reached, so the limit cannot be checked (503, not 429). */
  readonly unavailable?: boolean;
}

/** The pod-local limiter the global one falls back to. */
export interface LocalRateLimiter {
  readonly requestsPerMinute: number;
  setLimit(requestsPerMinute: number): void;
  take(client: string): RateLimitDecision;
}

/** Options of {@link GlobalRateLimiter}. */
export interface GlobalRateLimiterOptions {
  readonly link: RedisLink;
  /** Used while Redis is away in fail-open mode; its limit is the limit. */
  readonly local: LocalRateLimiter;
  /** Key prefix (ends with `:`). */
  readonly keyPrefix: string;
  /** Read at each fallback, so a reloaded `sharedState.failMode` applies at once. */
  readonly failMode: () => SharedStateFailMode;
}

const SCRIPT = new LuaScript(RATE_LIMIT_SCRIPT);
const MINUTE_MS = 60_000;

/**
 * Requests per minute per client across every replica: one GCRA script per
 * request on Redis server time (one round trip). The key holds a SHA-256 of
 * the client identity and the limit, never a raw key or address. While Redis
 * cannot be reached it falls back to the pod-local limiter (fail-open) or
 * refuses as unavailable (fail-closed), without waiting more than one command
 * timeout per outage.
 */
export class GlobalRateLimiter {
  constructor(private readonly options: GlobalRateLimiterOptions) {}

  /** Current per-minute limit (0 = disabled). */
  get requestsPerMinute(): number {
    return this.options.local.requestsPerMinute;
  }

  /** Changes the limit (config reload): the key includes the limit, so buckets restart full, as pod-local ones do. */
  setLimit(requestsPerMinute: number): void {
    this.options.local.setLimit(requestsPerMinute);
  }

  /** The Redis key of a client's bucket under the current limit. */
  keyOf(client: string): string {
    const digest = createHash('sha256').update(client).digest('hex').slice(0, 32);
    return `${this.options.keyPrefix}rl:${this.requestsPerMinute}:${digest}`;
  }

  /** Takes one request's token for `client`; synchronous when the limiter is off or Redis is known away. */
  take(client: string): RateLimitDecision | Promise<RateLimitDecision> {
    const limit = this.requestsPerMinute;
    if (limit <= 0) return { allowed: true, retryAfterSeconds: 0 };
    if (!this.options.link.up) return this.fallback(client);
    return this.takeShared(client, limit);
  }

  private async takeShared(client: string, limit: number): Promise<RateLimitDecision> {
    try {
      const reply = (await this.options.link.run('rate_limit', (redis) => SCRIPT.run(redis, [this.keyOf(client)], [limit, MINUTE_MS]))) as [number, number];
      const allowed = reply[0] === 1;
      return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(reply[1] / 1000)) };
    } catch {
      return this.fallback(client);
    }
  }

  private fallback(client: string): RateLimitDecision {
    this.options.link.fallback('rate_limit');
    if (this.options.failMode() === 'closed') return { allowed: false, retryAfterSeconds: 1, unavailable: true };
    return this.options.local.take(client);
  }
}
