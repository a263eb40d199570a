/**
 * The behavioural defaults the construct (src/) and the runtime (runtime/)
 * share, written once: the zod schema (config-schema.ts) takes its
 * `.default(...)` values from here, and FailoverProxy applies the same values
 * to the props it renders into config.yaml. A test ties the three together.
 *
 * Internal to the package: not re-exported from src/index.ts.
 */

/** Per-upstream circuit breaker (config.yaml `circuitBreaker`). */
export const CIRCUIT_BREAKER_DEFAULTS = {
  failureThreshold: 5,
  recoveryTimeoutSeconds: 60,
  halfOpenMaxCalls: 3,
  failureRateThreshold: 0.5,
  slidingWindowSeconds: 30,
  minimumCalls: 20,
  openBackoffMultiplier: 2,
  maxRecoveryTimeoutSeconds: 300,
} as const;

/** Retries, backoff and the retry budget (config.yaml `retries`). */
export const RETRIES_DEFAULTS = {
  maxRetries: 3,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  maxRetryAfterSeconds: 30,
  budgetRatio: 0.2,
  minRetriesPerSecond: 10,
} as const;

/** Per-try timeouts and the whole-request deadline (config.yaml `timeouts`). */
export const TIMEOUTS_DEFAULTS = {
  connectSeconds: 5,
  requestSeconds: 30,
  deadlineSeconds: 120,
  firstTokenSeconds: 30,
  streamIdleSeconds: 60,
  clientWriteSeconds: 30,
} as const;

/** Per-client rate limit (config.yaml `rateLimit`). */
export const RATE_LIMIT_DEFAULTS = {
  requestsPerMinute: 1000,
} as const;

/** SIGTERM drain timings (config.yaml `lifecycle`). */
export const LIFECYCLE_DEFAULTS = {
  shutdownDelaySeconds: 5,
  drainTimeoutSeconds: 25,
} as const;

/** Shared state across replicas (config.yaml `sharedState`; on when REDIS_URL is set). */
export const SHARED_STATE_DEFAULTS = {
  commandTimeoutMs: 50,
  failMode: 'open',
  shareBreakers: true,
} as const;

/**
 * Upstream response bytes buffered at once across the requests of one pod
 * (config.yaml `limits.maxBufferedResponseBytes`): a quarter of the default
 * 1 GiB memory limit. FailoverProxy derives a smaller one from a lower
 * `memoryLimitMebibytes`.
 */
export const MAX_BUFFERED_RESPONSE_BYTES_DEFAULT = 256 * 1024 * 1024;

/**
 * Request body bytes held at once across the requests of one pod, bodies
 * still arriving included (config.yaml `limits.maxBufferedRequestBytes`): a
 * quarter of the default 1 GiB memory limit. FailoverProxy derives a smaller
 * one from a lower `memoryLimitMebibytes`.
 */
export const MAX_BUFFERED_REQUEST_BYTES_DEFAULT = 256 * 1024 * 1024;

/** Largest request body accepted (config.yaml `limits.maxBodyBytes`, env `MAX_BODY_BYTES`). */
export const MAX_BODY_BYTES_DEFAULT = 16 * 1024 * 1024;

/** Connections kept open to one upstream at most, per pod (config.yaml `upstreams[].maxConnections`, fastify-reply-from's 128). */
export const UPSTREAM_MAX_CONNECTIONS = { default: 128, max: 4096 } as const;

/** Shortest client key the runtime accepts (config.yaml `auth.clientKeys`, env `PROXY_API_KEYS`). */
export const CLIENT_KEY_MIN_LENGTH = 8;

/**
 * `max_tokens` sent to an `anthropic` upstream for a chat request that names
 * neither `max_completion_tokens` nor `max_tokens` (Anthropic requires one;
 * every Claude model can write this many), config.yaml `upstreams[].defaultMaxTokens`.
 */
export const ANTHROPIC_MAX_TOKENS_DEFAULT = 4096;
