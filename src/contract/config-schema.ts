/**
 * The one config schema of the proxy: `config.yaml` as the runtime reads it
 * and as the construct renders it. The runtime (runtime/config/) parses the
 * file with it; the construct validates what it renders with it at synth time.
 *
 * Internal to the package: zod never appears in the public (jsii) API.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ENV, PORTS } from './constants';
import {
  ANTHROPIC_MAX_TOKENS_DEFAULT,
  CIRCUIT_BREAKER_DEFAULTS,
  CLIENT_KEY_MIN_LENGTH,
  LIFECYCLE_DEFAULTS,
  MAX_BODY_BYTES_DEFAULT,
  MAX_BUFFERED_REQUEST_BYTES_DEFAULT,
  MAX_BUFFERED_RESPONSE_BYTES_DEFAULT,
  RATE_LIMIT_DEFAULTS,
  RETRIES_DEFAULTS,
  SHARED_STATE_DEFAULTS,
  TIMEOUTS_DEFAULTS,
  UPSTREAM_MAX_CONNECTIONS,
} from './defaults';

/** Prices in USD per 1M tokens. */
const modelPriceSchema = z.strictObject({
  inputPerMillion: z.number().min(0).describe('USD per 1M input (prompt) tokens.'),
  outputPerMillion: z.number().min(0).describe('USD per 1M output (completion) tokens.'),
  cachedInputPerMillion: z.number().min(0).optional().describe('USD per 1M input tokens read from the provider\'s prompt cache (absent: `inputPerMillion`).'),
  cacheWritePerMillion: z.number().min(0).optional().describe('USD per 1M input tokens written to the prompt cache (Anthropic `cache_creation_input_tokens`; absent: `inputPerMillion`).'),
});

/** The playbook's four models and their USD prices per 1M tokens (2026). */
export const DEFAULT_PRICING: Readonly<Record<string, { inputPerMillion: number; outputPerMillion: number }>> = {
  'gpt-4.1': { inputPerMillion: 8.0, outputPerMillion: 24.0 },
  'claude-sonnet-4.5': { inputPerMillion: 15.0, outputPerMillion: 75.0 },
  'gemini-2.5-flash': { inputPerMillion: 2.5, outputPerMillion: 10.0 },
  'deepseek-v3.2': { inputPerMillion: 0.42, outputPerMillion: 1.68 },
};

/** Upstream names: label-safe, used in headers, metrics and logs. */
export const UPSTREAM_NAME = /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for an absolute http(s) URL without query or fragment; credentials (user-info) only when allowed. */
export function isHttpUrl(value: string, allowCredentials: boolean): boolean {
  try {
    const url = new URL(value);
    const credentialsOk = allowCredentials || (!url.username && !url.password);
    return (url.protocol === 'http:' || url.protocol === 'https:') && credentialsOk && !url.search && !url.hash;
  } catch {
    return false;
  }
}

/**
 * True for an IPv4 or IPv6 address with a `/prefix` in range for its family
 * (`10.0.0.0/8`, `fd00::/8`), or a bare address (a single host) unless
 * `prefixRequired` (a Kubernetes `ipBlock.cidr` needs the prefix). The one
 * CIDR rule of the config schema and the construct.
 */
export function isCidr(value: string, prefixRequired = false): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return !prefixRequired;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The zod form of {@link isHttpUrl}. */
function httpUrlSchema(allowCredentials: boolean) {
  return z.string().refine((value) => isHttpUrl(value, allowCredentials), { message: allowCredentials ? 'must be an absolute http(s) URL without query or fragment' : 'must be an absolute http(s) URL without credentials, query or fragment' });
}

const httpUrl = httpUrlSchema(false);

/** One upstream (a provider region). Lower `priority` is tried first. */
export const upstreamSchema = z.strictObject({
  name: z.string().regex(UPSTREAM_NAME, 'must be 1-63 characters of a-z, 0-9, "-" or "_", starting and ending with a letter or digit').describe('Label in headers, metrics and logs: lower case, digits, `-` and `_`.'),
  baseUrl: httpUrl.describe('Base URL including the API version prefix, e.g. `https://api.holysheep.ai/v1`.'),
  priority: z.number().int().min(0).default(1).describe('Lower is tried first.'),
  weight: z.number().int().min(1).max(1000).default(1).describe('Weighted round robin among upstreams of equal priority.'),
  apiKeyEnv: z.string().regex(ENV_VAR_NAME, 'must be a valid environment variable name').default(ENV.apiKey).describe('Env variable that holds this upstream\'s API key.'),
  models: z.array(z.string().min(1)).default([]).describe('Models this upstream serves; empty means every model.'),
  modelRewrites: z.record(z.string().min(1), z.string().min(1).describe('The model name this upstream is sent.')).default({}).describe('Model name rewrites (client\'s name → this upstream\'s name).'),
  includeUsage: z.boolean().default(true).describe('Ask for `stream_options.include_usage` on streams so they can be priced.'),
  maxConnections: z.number().int().min(1).max(UPSTREAM_MAX_CONNECTIONS.max).default(UPSTREAM_MAX_CONNECTIONS.default).describe('Connections the proxy keeps open to this upstream at most (the undici pool\'s cap, as fastify-reply-from\'s `connections`); requests beyond it wait for a free one.'),
  format: z.enum(['openai', 'anthropic']).default('openai').describe('API the upstream speaks: `openai` (Chat Completions, Responses, Completions, Embeddings) or `anthropic` (Messages: `POST {baseUrl}/messages`, key as `x-api-key`).'),
  anthropicVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2023-06-01').default('2023-06-01').describe('`anthropic` upstreams: the `anthropic-version` sent when the client sent none.'),
  defaultMaxTokens: z.number().int().min(1).default(ANTHROPIC_MAX_TOKENS_DEFAULT).describe('`anthropic` upstreams: the `max_tokens` a translated chat request gets when it names neither `max_completion_tokens` nor `max_tokens` (Anthropic requires one).'),
});

export const circuitBreakerSchema = z.strictObject({
  failureThreshold: z.number().int().min(1).default(CIRCUIT_BREAKER_DEFAULTS.failureThreshold).describe('Consecutive failures that open the breaker.'),
  recoveryTimeoutSeconds: z.number().positive().default(CIRCUIT_BREAKER_DEFAULTS.recoveryTimeoutSeconds).describe('Seconds an opened breaker stays open before it lets probes through.'),
  halfOpenMaxCalls: z.number().int().min(1).default(CIRCUIT_BREAKER_DEFAULTS.halfOpenMaxCalls).describe('Probes admitted at once in half-open; that many successes close it.'),
  failureRateThreshold: z.number().gt(0).max(1).default(CIRCUIT_BREAKER_DEFAULTS.failureRateThreshold).describe('Failure ratio over the sliding window that opens the breaker (0 < r <= 1).'),
  slidingWindowSeconds: z.number().positive().default(CIRCUIT_BREAKER_DEFAULTS.slidingWindowSeconds).describe('Length of the sliding window for the failure rate, in seconds.'),
  minimumCalls: z.number().int().min(1).default(CIRCUIT_BREAKER_DEFAULTS.minimumCalls).describe('Calls in the window before the failure rate may open the breaker.'),
  openBackoffMultiplier: z.number().min(1).default(CIRCUIT_BREAKER_DEFAULTS.openBackoffMultiplier).describe('Each failed probe multiplies the open time by this factor.'),
  maxRecoveryTimeoutSeconds: z.number().positive().default(CIRCUIT_BREAKER_DEFAULTS.maxRecoveryTimeoutSeconds).describe('Upper bound of the growing open time, in seconds.'),
});

export const retriesSchema = z.strictObject({
  maxRetries: z.number().int().min(0).max(20).default(RETRIES_DEFAULTS.maxRetries).describe('Extra attempts after the first (playbook: MAX_RETRIES).'),
  baseDelayMs: z.number().int().min(0).default(RETRIES_DEFAULTS.baseDelayMs).describe('First backoff step between attempts on the same upstream, in ms (full jitter).'),
  maxDelayMs: z.number().int().min(0).default(RETRIES_DEFAULTS.maxDelayMs).describe('Upper bound of one backoff delay, in ms.'),
  maxRetryAfterSeconds: z.number().positive().default(RETRIES_DEFAULTS.maxRetryAfterSeconds).describe('Cap on an upstream\'s `Retry-After`, in seconds.'),
  budgetRatio: z.number().min(0).max(1).default(RETRIES_DEFAULTS.budgetRatio).describe('Retries may add at most this share of requests under a sustained outage.'),
  minRetriesPerSecond: z.number().min(0).default(RETRIES_DEFAULTS.minRetriesPerSecond).describe('Retries per second always allowed, whatever the ratio.'),
});

export const timeoutsSchema = z.strictObject({
  connectSeconds: z.number().positive().default(TIMEOUTS_DEFAULTS.connectSeconds).describe('TCP/TLS connect timeout per try, in seconds.'),
  requestSeconds: z.number().positive().default(TIMEOUTS_DEFAULTS.requestSeconds).describe('Per-try timeout until response headers (playbook: timeout 30), in seconds.'),
  deadlineSeconds: z.number().positive().default(TIMEOUTS_DEFAULTS.deadlineSeconds).describe('One deadline for the whole request, all attempts included, in seconds.'),
  firstTokenSeconds: z.number().positive().default(TIMEOUTS_DEFAULTS.firstTokenSeconds).describe('Streams: time allowed until the first body chunk, in seconds.'),
  streamIdleSeconds: z.number().positive().default(TIMEOUTS_DEFAULTS.streamIdleSeconds).describe('Streams: longest silence between two chunks, in seconds.'),
  clientWriteSeconds: z.number().positive().default(TIMEOUTS_DEFAULTS.clientWriteSeconds).describe('Streams: longest wait for a client that stopped reading (backpressure) before the stream ends and its upstream request is aborted, in seconds.'),
});

export const rateLimitSchema = z.strictObject({
  requestsPerMinute: z.number().int().min(0).default(RATE_LIMIT_DEFAULTS.requestsPerMinute).describe('Requests per minute per client key (or remote address): per pod, or across the replicas with shared state (REDIS_URL); 0 disables.'),
});

export const authSchema = z.strictObject({
  clientKeys: z.array(z.string().min(CLIENT_KEY_MIN_LENGTH)).default([]).describe('Client keys accepted as `Authorization: Bearer <key>`; empty leaves the proxy open.'),
  clientKeysFile: z.string().min(1).optional().describe('A file (e.g. a mounted Secret) with one client key per line.'),
});

export const limitsSchema = z.strictObject({
  maxBodyBytes: z.number().int().min(1024).default(MAX_BODY_BYTES_DEFAULT).describe('Largest request body accepted, in bytes (MAX_BODY_BYTES).'),
  maxResponseBytes: z.number().int().min(1024).default(32 * 1024 * 1024).describe('Largest upstream JSON response buffered for pricing, in bytes.'),
  maxStreamEventBytes: z.number().int().min(1024).default(4 * 1024 * 1024).describe('Largest single upstream SSE event, in bytes (a Responses `response.completed` repeats the whole answer); a bigger one ends the stream with an error frame.'),
  responseAffinityEntries: z.number().int().min(0).default(10_000).describe('Responses API: response ids remembered per pod with the upstream that created them (`previous_response_id` follow-ups go there); 0 disables.'),
  maxConcurrentRequests: z.number().int().min(1).default(2048).describe('Requests in flight at once per pod before fast 503s.'),
  headersTimeoutSeconds: z.number().positive().default(30).describe('Slow-client guard: time to receive request headers, in seconds.'),
  requestBodyTimeoutSeconds: z.number().positive().default(60).describe('Slow-client guard: time to receive the whole request, in seconds.'),
  maxBufferedResponseBytes: z.number().int().min(1024 * 1024).default(MAX_BUFFERED_RESPONSE_BYTES_DEFAULT).describe('Upstream response bytes buffered at once across all requests of the pod (a quarter of the default 1 GiB memory limit); a response that does not fit is streamed through unpriced and logged.'),
  maxBufferedRequestBytes: z.number().int().min(1024 * 1024).default(MAX_BUFFERED_REQUEST_BYTES_DEFAULT).describe('Request body bytes held in memory at once across all requests of the pod, bodies still arriving included (a quarter of the default 1 GiB memory limit, 16 bodies of the default maxBodyBytes); a body that does not fit gets 503 `server_overloaded` with `Retry-After`.'),
  maxJsonDepth: z.number().int().min(2).max(1000).default(64).describe('Deepest nesting of objects and arrays accepted in a request body; deeper bodies get 400 `json_too_deep`.'),
});

export const currencySchema = z.strictObject({
  code: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY').default('CNY').describe('Display currency of the usage report (playbook: CNY).'),
  perUsd: z.number().positive().default(1).describe('Units of the display currency per USD (playbook: 1).'),
});

export const loggingSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level (LOG_LEVEL).'),
});

export const serverSchema = z.strictObject({
  host: z.string().regex(/^[A-Za-z0-9.:%-]{1,253}$/, 'must be an IP address or host name').default('0.0.0.0').describe('Bind address of both ports (HOST); `0.0.0.0` in a pod, `127.0.0.1` for local tests.'),
  port: z.number().int().min(0).max(65535).default(PORTS.http).describe('OpenAI-compatible API and health probes (PORT).'),
  metricsPort: z.number().int().min(0).max(65535).default(PORTS.metrics).describe('Prometheus /metrics (METRICS_PORT).'),
  trustedProxyCidrs: z.array(z.string().trim().refine((value) => isCidr(value), { message: 'must be an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8' }))
    .default([])
    .describe('Peers (load balancers, ingress controllers) whose `X-Forwarded-For`, `X-Real-IP`, `Forwarded` and `Via` are kept and whose `X-Forwarded-For` names the client (rate limit, logs); empty: every client is its socket address.'),
});

export const lifecycleSchema = z.strictObject({
  shutdownDelaySeconds: z.number().min(0).default(LIFECYCLE_DEFAULTS.shutdownDelaySeconds).describe('After SIGTERM, seconds of unready-but-serving before the listener closes.'),
  drainTimeoutSeconds: z.number().min(0).default(LIFECYCLE_DEFAULTS.drainTimeoutSeconds).describe('Seconds in-flight requests and streams get to finish after that.'),
});

export const healthChecksSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Active `GET <baseUrl>/models` checks (unbilled); off by default.'),
  intervalSeconds: z.number().positive().default(15).describe('Mean seconds between checks of one upstream (jittered).'),
  timeoutSeconds: z.number().positive().default(5).describe('Timeout of one check, in seconds.'),
});

export const egressSchema = z.strictObject({
  httpsProxy: httpUrlSchema(true).optional().describe('Corporate HTTPS proxy URL for upstream calls; may carry credentials (`http://user:pass@proxy:3128`).'),
  noProxy: z.string().optional().describe('Comma-separated hosts that bypass `httpsProxy`.'),
  caBundlePath: z.string().min(1).optional().describe('PEM bundle of extra CAs trusted for upstream TLS.'),
});

/** Shared state across replicas (global rate limit, shared breakers, fleet usage); on when REDIS_URL is set. */
export const sharedStateSchema = z.strictObject({
  keyPrefix: z.string().regex(/^[A-Za-z0-9_.:{}-]{1,64}$/, 'must be 1-64 characters of letters, digits, "_", ".", ":", "-", "{" or "}"').optional().describe('Prefix of every Redis key and channel, so several proxies can share one Redis (default: `ai-failover:<DEPLOYMENT_NAME, else the Deployment from a pod HOSTNAME, else ai-failover-proxy>:`).'),
  commandTimeoutMs: z.number().int().min(1).max(5000).default(SHARED_STATE_DEFAULTS.commandTimeoutMs).describe('Longest wait on one Redis command, in ms: no request waits longer on Redis.'),
  failMode: z.enum(['open', 'closed']).default(SHARED_STATE_DEFAULTS.failMode).describe('While Redis is unreachable: `open` falls back to pod-local limiter and breakers; `closed` answers 503 on rate-limited routes.'),
  shareBreakers: z.boolean().default(SHARED_STATE_DEFAULTS.shareBreakers).describe('Share breaker opens and half-open probes across the replicas.'),
});

/** The whole config.yaml. Every section is optional; defaults fill it. */
export const configSchema = z
  .strictObject({
    upstreams: z.array(upstreamSchema).default([]).describe('Upstreams (provider regions), tried in priority order'),
    circuitBreaker: circuitBreakerSchema.default(() => circuitBreakerSchema.parse({})).describe('Per-upstream circuit breaker'),
    retries: retriesSchema.default(() => retriesSchema.parse({})).describe('Retries, backoff and the retry budget'),
    timeouts: timeoutsSchema.default(() => timeoutsSchema.parse({})).describe('Per-try timeouts and the whole-request deadline'),
    rateLimit: rateLimitSchema.default(() => rateLimitSchema.parse({})).describe('Per-client rate limit (per pod, or fleet-wide with shared state)'),
    auth: authSchema.default(() => authSchema.parse({})).describe('Client keys the proxy accepts'),
    limits: limitsSchema.default(() => limitsSchema.parse({})).describe('Request size, concurrency and slow-client limits'),
    pricing: z.record(z.string().min(1), modelPriceSchema).default(() => ({ ...DEFAULT_PRICING })).describe('USD per 1M tokens by model (default: the playbook\'s four models)'),
    currency: currencySchema.default(() => currencySchema.parse({})).describe('Display currency of /v1/usage'),
    logging: loggingSchema.default(() => loggingSchema.parse({})).describe('Structured JSON logs'),
    server: serverSchema.default(() => serverSchema.parse({})).describe('Bind address and listening ports'),
    lifecycle: lifecycleSchema.default(() => lifecycleSchema.parse({})).describe('SIGTERM drain timings'),
    healthChecks: healthChecksSchema.default(() => healthChecksSchema.parse({})).describe('Active upstream health checks (unbilled GET /models)'),
    egress: egressSchema.default(() => egressSchema.parse({})).describe('Corporate egress: HTTPS proxy and CA bundle'),
    sharedState: sharedStateSchema.default(() => sharedStateSchema.parse({})).describe('Shared state across replicas through Redis (on when REDIS_URL is set)'),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.upstreams.forEach((upstream, index) => {
      const first = seen.get(upstream.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['upstreams', index, 'name'],
          input: upstream.name,
          message: `duplicate upstream name "${upstream.name}" (also upstreams.${first}.name)`,
        });
      } else {
        seen.set(upstream.name, index);
      }
    });
    if (config.retries.maxDelayMs < config.retries.baseDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['retries', 'maxDelayMs'],
        input: config.retries.maxDelayMs,
        message: `must be >= retries.baseDelayMs (${config.retries.baseDelayMs})`,
      });
    }
    if (config.limits.maxBufferedRequestBytes < config.limits.maxBodyBytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['limits', 'maxBufferedRequestBytes'],
        input: config.limits.maxBufferedRequestBytes,
        message: `must be >= limits.maxBodyBytes (${config.limits.maxBodyBytes}): a body of the largest accepted size could never be held`,
      });
    }
    if (config.circuitBreaker.maxRecoveryTimeoutSeconds < config.circuitBreaker.recoveryTimeoutSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['circuitBreaker', 'maxRecoveryTimeoutSeconds'],
        input: config.circuitBreaker.maxRecoveryTimeoutSeconds,
        message: `must be >= circuitBreaker.recoveryTimeoutSeconds (${config.circuitBreaker.recoveryTimeoutSeconds})`,
      });
    }
  });

/** config.yaml as written (every field optional where a default exists). */
export type ProxyConfigInput = z.input<typeof configSchema>;
/** config.yaml after defaults: what the runtime runs on. */
export type ProxyConfig = z.output<typeof configSchema>;
export type UpstreamConfig = ProxyConfig['upstreams'][number];
export type ModelPrice = z.output<typeof modelPriceSchema>;

/** Result of {@link parseProxyConfig}. */
export type ConfigParseResult =
  | { readonly ok: true; readonly config: ProxyConfig }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Validates a config object. On failure every offending field is reported as
 * `<path>: <message> (received <value>)`, e.g.
 * `upstreams.0.baseUrl: must be an absolute http(s) URL ... (received "ftp://x")`.
 */
export function parseProxyConfig(input: unknown): ConfigParseResult {
  const result = configSchema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) {
    return { ok: true, config: result.data };
  }
  return { ok: false, errors: result.error.issues.map(formatIssue) };
}

/** Fields whose values never appear in an error message. */
const SECRET_FIELDS = new Set(['clientKeys']);

/** Formats one issue as `<path>: <message> (received <value>)`. */
function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  const secret = issue.path.some((segment) => SECRET_FIELDS.has(String(segment)));
  const showsInput = issue.code !== 'unrecognized_keys' && 'input' in issue && issue.input !== undefined;
  const received = showsInput ? ` (received ${secret ? '[redacted]' : describeValue(issue.input)})` : '';
  return `${path}: ${issue.message}${received}`;
}

/** Short, secret-free rendering of a received value for error messages. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const safe = redactUserInfo(value);
    return JSON.stringify(safe.length > 120 ? `${safe.slice(0, 117)}...` : safe);
  }
  if (value === null || typeof value !== 'object') {
    return String(value);
  }
  const json = redactUserInfo(JSON.stringify(value));
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/**
 * Replaces the user-info of every URL-looking substring (`scheme://user:pass@host`)
 * with `[redacted]`, so a proxy password never reaches a log or an error.
 */
export function redactUserInfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"]*@/gi, '$1[redacted]@');
}
