import { Duration } from 'cdk8s';
import { SecretKeyRef } from '../secret-key-ref/secret-key-ref';

/** What the proxy does with rate-limited routes while Redis cannot be reached. */
export enum SharedStateFailMode {
  /** Keep serving: pod-local rate limiter and breakers until Redis answers again. */
  OPEN = 'open',
  /** Refuse rate-limited routes with 503 `shared_state_unavailable` until Redis answers again. */
  CLOSED = 'closed',
}

/** Tunables of shared state, whichever Redis holds it (config.yaml `sharedState`). */
export interface SharedStateOptions {
  /**
   * Prefix of every Redis key and channel the proxy uses, so that several
   * proxies can share one Redis.
   * @default - `ai-failover:<namespace>.<proxy name>:` (`ai-failover:<proxy name>:` when the chart sets no namespace)
   */
  readonly keyPrefix?: string;
  /**
   * Longest wait on one Redis command: no request waits longer than this on Redis.
   * @default Duration.millis(50)
   */
  readonly commandTimeout?: Duration;
  /**
   * What rate-limited routes do while Redis cannot be reached.
   * @default SharedStateFailMode.OPEN
   */
  readonly failMode?: SharedStateFailMode;
  /**
   * Share breaker opens and half-open probes across the replicas.
   * @default true
   */
  readonly shareBreakers?: boolean;
}

/** Options of {@link SharedState.redis}: a Redis the platform already runs. */
export interface RedisSharedStateOptions extends SharedStateOptions {
  /**
   * The Secret key that holds the `redis://` or `rediss://` URL (it may carry
   * a user and a password); the pod reads it as `REDIS_URL`.
   */
  readonly url: SecretKeyRef;
  /**
   * A Secret key with the password, when it is kept out of the URL (env `REDIS_PASSWORD`).
   * @default - the password in the URL, if any
   */
  readonly password?: SecretKeyRef;
  /**
   * TCP port of Redis: the proxy's NetworkPolicy admits egress to it.
   * @default 6379
   */
  readonly port?: number;
}

/** Options of {@link SharedState.deployRedis}: a small Redis in the proxy's chart. */
export interface DeployRedisOptions extends SharedStateOptions {
  /** The Secret key with the Redis password (the Secret must exist, or use `SecretKeyRef.fromLiteral`). */
  readonly password: SecretKeyRef;
  /**
   * Redis image, pinned by a digest or a full version tag.
   * @default 'redis:7.4.2-alpine'
   */
  readonly image?: string;
  /**
   * CPU request, in millicores.
   * @default 50
   */
  readonly cpuRequestMillis?: number;
  /**
   * CPU limit, in millicores.
   * @default 500
   */
  readonly cpuLimitMillis?: number;
  /**
   * Memory request and limit, in MiB (Redis's `maxmemory` is 75 % of it).
   * @default 128
   */
  readonly memoryMebibytes?: number;
}
