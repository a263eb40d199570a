/**
 * The shared names of the contract between the construct (src/) and the proxy
 * process (runtime/): ports, paths, env variables, headers and metric names.
 * Each string is written here once; both halves import it.
 *
 * Internal to the package: not re-exported from src/index.ts.
 */

/** Container ports of the proxy process. */
export const PORTS = {
  /** OpenAI-compatible API, health probes (playbook: containerPort 8080 `http`). */
  http: 8080,
  /** Prometheus `/metrics` (playbook: containerPort 9090 `metrics`). */
  metrics: 9090,
  /** Service port that fronts `http` (playbook: port 80 → 8080). */
  serviceHttp: 80,
} as const;

/** Named container/Service ports. */
export const PORT_NAMES = {
  http: 'http',
  metrics: 'metrics',
} as const;

/** HTTP paths served by the proxy. */
export const PATHS = {
  healthLive: '/health/live',
  healthReady: '/health/ready',
  healthUpstreams: '/health/upstreams',
  metrics: '/metrics',
  status: '/v1/status',
  usage: '/v1/usage',
  models: '/v1/models',
  chatCompletions: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  /** OpenAI Responses API; `/v1/responses/{id}` and `/v1/responses/{id}/cancel` below it. */
  responses: '/v1/responses',
  /** Anthropic Messages API. */
  messages: '/v1/messages',
  countTokens: '/v1/messages/count_tokens',
} as const;

/** Where the config ConfigMap is mounted and which key holds the file. */
export const CONFIG_FILE = {
  mountDir: '/app/config',
  fileName: 'config.yaml',
  defaultPath: '/app/config/config.yaml',
} as const;

/**
 * Environment variables the runtime reads. The playbook's names are the
 * compatibility surface; env ranks above config.yaml.
 */
export const ENV = {
  // the playbook's names
  apiKey: 'HOLYSHEEP_API_KEY',
  primaryRegion: 'HOLYSHEEP_PRIMARY_REGION',
  backupRegions: 'HOLYSHEEP_BACKUP_REGIONS',
  failureThreshold: 'FAILURE_THRESHOLD',
  recoveryTimeout: 'RECOVERY_TIMEOUT',
  maxRetries: 'MAX_RETRIES',
  rateLimitPerMinute: 'RATE_LIMIT_PER_MINUTE',
  // process
  /** Bind address of both ports (default `0.0.0.0`, as a pod needs). */
  host: 'HOST',
  port: 'PORT',
  metricsPort: 'METRICS_PORT',
  configPath: 'CONFIG_PATH',
  requestTimeout: 'REQUEST_TIMEOUT',
  requestDeadline: 'REQUEST_DEADLINE',
  maxBodyBytes: 'MAX_BODY_BYTES',
  shutdownDelay: 'SHUTDOWN_DELAY',
  drainTimeout: 'DRAIN_TIMEOUT',
  logLevel: 'LOG_LEVEL',
  /** `json` keeps a fatal start error one JSON line on a terminal too (default: readable text on a TTY). */
  logFormat: 'LOG_FORMAT',
  /** Set by Kubernetes in every pod: outside one, a Ctrl-C (SIGINT) drains without the shutdown delay. */
  kubernetesServiceHost: 'KUBERNETES_SERVICE_HOST',
  // client auth
  proxyApiKeys: 'PROXY_API_KEYS',
  // corporate egress
  httpsProxy: 'HTTPS_PROXY',
  noProxy: 'NO_PROXY',
  caBundlePath: 'CA_BUNDLE_PATH',
  // shared state (Redis)
  /** `redis://` or `rediss://` URL; shared state across replicas is on when it is set. */
  redisUrl: 'REDIS_URL',
  /** Redis password, overriding one in REDIS_URL (needs no URL encoding). */
  redisPassword: 'REDIS_PASSWORD',
  /** The Deployment the pod belongs to; the default shared-state key prefix derives from it. */
  deploymentName: 'DEPLOYMENT_NAME',
} as const;

/** Response / request headers owned by the proxy. */
export const HEADERS = {
  upstream: 'x-failover-upstream',
  attempts: 'x-failover-attempts',
  overheadMs: 'x-failover-overhead-ms',
  requestId: 'x-request-id',
  costUsd: 'x-failover-cost-usd',
  /** Client-supplied: lowers the whole-request deadline (milliseconds). */
  timeoutMs: 'x-failover-timeout-ms',
} as const;

/**
 * Prometheus metric names. `http_requests_total` is unprefixed so that the
 * standard prometheus-adapter rule yields `http_requests_per_second`.
 */
export const METRICS = {
  httpRequestsTotal: 'http_requests_total',
  /** Name the HPA's Pods metric uses (prometheus-adapter renames the rate of `http_requests_total`). */
  hpaRequestsPerSecond: 'http_requests_per_second',
  circuitBreakerState: 'ai_failover_circuit_breaker_state',
  circuitBreakerTransitionsTotal: 'ai_failover_circuit_breaker_transitions_total',
  requestDurationSeconds: 'ai_failover_request_duration_seconds',
  upstreamAttemptsTotal: 'ai_failover_upstream_attempts_total',
  upstreamLatencySeconds: 'ai_failover_upstream_latency_seconds',
  failoversTotal: 'ai_failover_failovers_total',
  retriesTotal: 'ai_failover_retries_total',
  retryBudgetRejectedTotal: 'ai_failover_retry_budget_rejected_total',
  overheadSeconds: 'ai_failover_overhead_seconds',
  timeToFirstTokenSeconds: 'ai_failover_time_to_first_token_seconds',
  tokensTotal: 'ai_failover_tokens_total',
  costUsdTotal: 'ai_failover_cost_usd_total',
  failoverCostUsdTotal: 'ai_failover_failover_cost_usd_total',
  rateLimitedTotal: 'ai_failover_rate_limited_total',
  configReloadsTotal: 'ai_failover_config_reloads_total',
  inFlightRequests: 'ai_failover_in_flight_requests',
  openStreams: 'ai_failover_open_streams',
  /** Secrets (upstream keys, Redis password, egress credentials) removed from responses before a client saw them. */
  responseRedactionsTotal: 'ai_failover_response_redactions_total',
  /** Requests refused by the HTTP parser (malformed, oversized headers, slow-client timeouts), by `reason`. */
  httpClientErrorsTotal: 'ai_failover_http_client_errors_total',
  /** Upstream response bytes held in memory now (bodies buffered for pricing), against `limits.maxBufferedResponseBytes`. */
  bufferedResponseBytes: 'ai_failover_buffered_response_bytes',
  /** Request body bytes held in memory now (bodies still arriving included), against `limits.maxBufferedRequestBytes`. */
  bufferedRequestBytes: 'ai_failover_buffered_request_bytes',
  /** Responses streamed through unpriced instead of buffered, by `reason` (`buffer_budget`, `response_too_large`). */
  unbufferedResponsesTotal: 'ai_failover_unbuffered_responses_total',
  /** 1 while Redis (shared state) answers, 0 while it does not; absent without REDIS_URL. */
  sharedStateUp: 'ai_failover_shared_state_up',
  /** Latency of shared-state Redis commands, by `operation` and `result` (ok/failed). */
  sharedStateCommandSeconds: 'ai_failover_shared_state_command_duration_seconds',
  /** Shared-state operations that fell back to pod-local state (fail-open) or refused (fail-closed), by `operation`. */
  sharedStateFallbacksTotal: 'ai_failover_shared_state_fallbacks_total',
} as const;

/**
 * Label names (and the label values dashboards/alerts match on) of the
 * metrics in {@link METRICS}. The runtime sets them; src/observability queries them.
 */
export const METRIC_LABELS = {
  route: 'route',
  model: 'model',
  status: 'status',
  upstream: 'upstream',
  from: 'from',
  to: 'to',
  outcome: 'outcome',
  direction: 'direction',
  result: 'result',
  /** Outcome of the failed attempt that caused a failover (`ai_failover_failovers_total`). */
  reason: 'reason',
  /** Shared-state operation (`rate_limit`, `breaker_publish`, `probe_lease`, `usage_flush`, ...). */
  operation: 'operation',
} as const;

/** Label values of {@link METRIC_LABELS} that queries match on. */
export const METRIC_LABEL_VALUES = {
  /** `direction` of `ai_failover_tokens_total`. */
  directionInput: 'input',
  directionOutput: 'output',
  /** Input tokens read from the prompt cache (also counted in `input`). */
  directionCachedInput: 'cached_input',
  /** Input tokens written to the prompt cache (also counted in `input`). */
  directionCacheWrite: 'cache_write',
  /** Reasoning tokens (also counted in `output`). */
  directionReasoning: 'reasoning',
  /** `result` of `ai_failover_config_reloads_total`. */
  reloadOk: 'ok',
  reloadFailed: 'failed',
} as const;

/** Values of the breaker state gauge. */
export const BREAKER_STATE_VALUE = {
  closed: 0,
  halfOpen: 1,
  open: 2,
} as const;

/** Names the playbook's env upstreams get, in priority order. */
export const ENV_UPSTREAM_NAMES = {
  primary: 'primary',
  backupPrefix: 'backup_',
} as const;

/** Non-root uid/gid of the proxy process in the pod and in the image. */
export const RUNTIME_USER = {
  uid: 10001,
  gid: 10001,
} as const;

/** Where the bundled runtime lives, in the npm package, in the pod and in the image. */
export const RUNTIME_BUNDLE = {
  /** File name of the single bundled JS file. */
  fileName: 'ai-failover-proxy.js',
  /** Path under the package root (built by `npm run compile`). */
  packagePath: 'lib/runtime/ai-failover-proxy.js',
  /** Directory the bundle is run from inside the pod/image. */
  appDir: '/app/runtime',
} as const;
