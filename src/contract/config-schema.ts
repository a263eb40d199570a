/**
 * The one config schema of the proxy: `config.yaml` as the runtime reads it
 * and as the construct renders it. The runtime (runtime/config/) parses the
 * file with it; the construct validates what it renders with it at synth time.
 *
 * Internal to the package: zod never appears in the public (jsii) API.
 */
import { z } from 'zod';
import { PORTS } from './constants';

/** Prices in USD per 1M tokens. */
const modelPriceSchema = z.strictObject({
  inputPerMillion: z.number().min(0),
  outputPerMillion: z.number().min(0),
});

/** The seed's four models and their USD prices per 1M tokens (2026). */
export const DEFAULT_PRICING: Readonly<Record<string, { inputPerMillion: number; outputPerMillion: number }>> = {
  'gpt-4.1': { inputPerMillion: 8.0, outputPerMillion: 24.0 },
  'claude-sonnet-4.5': { inputPerMillion: 15.0, outputPerMillion: 75.0 },
  'gemini-2.5-flash': { inputPerMillion: 2.5, outputPerMillion: 10.0 },
  'deepseek-v3.2': { inputPerMillion: 0.42, outputPerMillion: 1.68 },
};

const UPSTREAM_NAME = /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && !url.search && !url.hash;
  } catch {
    return false;
  }
}, { message: 'must be an absolute http(s) URL without credentials, query or fragment' });

/** One upstream (a provider region). Lower `priority` is tried first. */
export const upstreamSchema = z.strictObject({
  /** Label in headers, metrics and logs: lower case, digits, `-` and `_`. */
  name: z.string().regex(UPSTREAM_NAME, 'must be 1-63 characters of a-z, 0-9, "-" or "_", starting and ending with a letter or digit'),
  /** Base URL including the API version prefix, e.g. `https://api.holysheep.ai/v1`. */
  baseUrl: httpUrl,
  /** Lower is tried first. */
  priority: z.number().int().min(0).default(1),
  /** Weighted round robin among upstreams of equal priority. */
  weight: z.number().int().min(1).max(1000).default(1),
  /** Env variable that holds this upstream's API key. */
  apiKeyEnv: z.string().regex(ENV_VAR_NAME, 'must be a valid environment variable name').default('HOLYSHEEP_API_KEY'),
  /** Models this upstream serves; empty means every model. */
  models: z.array(z.string().min(1)).default([]),
  /** Model name rewrites (client's name → this upstream's name). */
  modelRewrites: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Ask for `stream_options.include_usage` on streams so they can be priced. */
  includeUsage: z.boolean().default(true),
});

export const circuitBreakerSchema = z.strictObject({
  /** Consecutive failures that open the breaker. */
  failureThreshold: z.number().int().min(1).default(5),
  /** Seconds an opened breaker stays open before it lets probes through. */
  recoveryTimeoutSeconds: z.number().positive().default(60),
  /** Probes admitted at once in half-open; that many successes close it. */
  halfOpenMaxCalls: z.number().int().min(1).default(3),
  /** Failure ratio over the sliding window that opens the breaker (0 < r <= 1). */
  failureRateThreshold: z.number().gt(0).max(1).default(0.5),
  /** Length of the sliding window for the failure rate, in seconds. */
  slidingWindowSeconds: z.number().positive().default(30),
  /** Calls in the window before the failure rate may open the breaker. */
  minimumCalls: z.number().int().min(1).default(20),
  /** Each failed probe multiplies the open time by this factor. */
  openBackoffMultiplier: z.number().min(1).default(2),
  /** Upper bound of the growing open time, in seconds. */
  maxRecoveryTimeoutSeconds: z.number().positive().default(300),
});

export const retriesSchema = z.strictObject({
  /** Extra attempts after the first (seed: MAX_RETRIES). */
  maxRetries: z.number().int().min(0).max(20).default(3),
  /** First backoff step between attempts on the same upstream, in ms (full jitter). */
  baseDelayMs: z.number().int().min(0).default(100),
  /** Upper bound of one backoff delay, in ms. */
  maxDelayMs: z.number().int().min(0).default(2000),
  /** Cap on an upstream's `Retry-After`, in seconds. */
  maxRetryAfterSeconds: z.number().positive().default(30),
  /** Retries may add at most this share of requests under a sustained outage. */
  budgetRatio: z.number().min(0).max(1).default(0.2),
  /** Retries per second always allowed, whatever the ratio. */
  minRetriesPerSecond: z.number().min(0).default(10),
});

export const timeoutsSchema = z.strictObject({
  /** TCP/TLS connect timeout per try, in seconds. */
  connectSeconds: z.number().positive().default(5),
  /** Per-try timeout until response headers (seed: timeout 30), in seconds. */
  requestSeconds: z.number().positive().default(30),
  /** One deadline for the whole request, all attempts included, in seconds. */
  deadlineSeconds: z.number().positive().default(120),
  /** Streams: time allowed until the first body chunk, in seconds. */
  firstTokenSeconds: z.number().positive().default(30),
  /** Streams: longest silence between two chunks, in seconds. */
  streamIdleSeconds: z.number().positive().default(60),
});

export const rateLimitSchema = z.strictObject({
  /** Requests per minute per client key (or remote address) per pod; 0 disables. */
  requestsPerMinute: z.number().int().min(0).default(1000),
});

export const authSchema = z.strictObject({
  /** Client keys accepted as `Authorization: Bearer <key>`; empty leaves the proxy open. */
  clientKeys: z.array(z.string().min(8)).default([]),
  /** A file (e.g. a mounted Secret) with one client key per line. */
  clientKeysFile: z.string().min(1).optional(),
});

export const limitsSchema = z.strictObject({
  /** Largest request body accepted, in bytes (MAX_BODY_BYTES). */
  maxBodyBytes: z.number().int().min(1024).default(16 * 1024 * 1024),
  /** Largest upstream JSON response buffered for pricing, in bytes. */
  maxResponseBytes: z.number().int().min(1024).default(32 * 1024 * 1024),
  /** Requests in flight at once per pod before fast 503s. */
  maxConcurrentRequests: z.number().int().min(1).default(2048),
  /** Slow-client guard: time to receive request headers, in seconds. */
  headersTimeoutSeconds: z.number().positive().default(30),
  /** Slow-client guard: time to receive the whole request, in seconds. */
  requestBodyTimeoutSeconds: z.number().positive().default(60),
});

export const currencySchema = z.strictObject({
  /** Display currency of the usage report (seed: CNY). */
  code: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY').default('CNY'),
  /** Units of the display currency per USD (seed: 1). */
  perUsd: z.number().positive().default(1),
});

export const loggingSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const serverSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(PORTS.http),
  metricsPort: z.number().int().min(0).max(65535).default(PORTS.metrics),
});

export const lifecycleSchema = z.strictObject({
  /** After SIGTERM, seconds of unready-but-serving before the listener closes. */
  shutdownDelaySeconds: z.number().min(0).default(5),
  /** Seconds in-flight requests and streams get to finish after that. */
  drainTimeoutSeconds: z.number().min(0).default(25),
});

export const healthChecksSchema = z.strictObject({
  /** Active `GET <baseUrl>/models` checks (unbilled); off by default. */
  enabled: z.boolean().default(false),
  intervalSeconds: z.number().positive().default(15),
  timeoutSeconds: z.number().positive().default(5),
});

export const egressSchema = z.strictObject({
  /** Corporate HTTPS proxy URL for upstream calls. */
  httpsProxy: httpUrl.optional(),
  /** Comma-separated hosts that bypass `httpsProxy`. */
  noProxy: z.string().optional(),
  /** PEM bundle of extra CAs trusted for upstream TLS. */
  caBundlePath: z.string().min(1).optional(),
});

/** The whole config.yaml. Every section is optional; defaults fill it. */
export const configSchema = z
  .strictObject({
    upstreams: z.array(upstreamSchema).default([]),
    circuitBreaker: circuitBreakerSchema.default(() => circuitBreakerSchema.parse({})),
    retries: retriesSchema.default(() => retriesSchema.parse({})),
    timeouts: timeoutsSchema.default(() => timeoutsSchema.parse({})),
    rateLimit: rateLimitSchema.default(() => rateLimitSchema.parse({})),
    auth: authSchema.default(() => authSchema.parse({})),
    limits: limitsSchema.default(() => limitsSchema.parse({})),
    pricing: z.record(z.string().min(1), modelPriceSchema).default(() => ({ ...DEFAULT_PRICING })),
    currency: currencySchema.default(() => currencySchema.parse({})),
    logging: loggingSchema.default(() => loggingSchema.parse({})),
    server: serverSchema.default(() => serverSchema.parse({})),
    lifecycle: lifecycleSchema.default(() => lifecycleSchema.parse({})),
    healthChecks: healthChecksSchema.default(() => healthChecksSchema.parse({})),
    egress: egressSchema.default(() => egressSchema.parse({})),
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
    return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
  }
  if (value === null || typeof value !== 'object') {
    return String(value);
  }
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
