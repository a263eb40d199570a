/**
 * Internal: renders the proxy's `config.yaml` from resolved construct props
 * and validates it with the runtime's own zod schema (src/contract).
 */
import { stringify } from 'yaml';
import { ApiKeyEnv, assignApiKeyEnvs } from './api-key-envs';
import { CA_BUNDLE_PATH } from './ca-bundle';
import { legacyEnvSharedKey } from './legacy-env-vars';
import { DEFAULT_PRICING, MAX_BUFFERED_REQUEST_BYTES_DEFAULT, MAX_BUFFERED_RESPONSE_BYTES_DEFAULT, parseProxyConfig, TIMEOUTS_DEFAULTS, UPSTREAM_MAX_CONNECTIONS } from '../../contract';
import type { ModelPrice } from '../failover-proxy-props';
import type { ProxySettings } from './proxy-settings';
import type { SharedStateConfigSection } from '../../shared-state/private/shared-state-parts';
import { UpstreamFormat } from '../../upstream/upstream-format';

/** The rendered, validated config file. @internal */
export interface RenderedConfig {
  /** The object written to config.yaml (before schema defaults). */
  readonly input: Record<string, unknown>;
  /** config.yaml text. */
  readonly yaml: string;
}

/**
 * Validates `input` with the runtime's schema and renders it as YAML.
 * Throws with the runtime's field paths when the runtime would refuse it. @internal
 */
export function renderConfig(input: Record<string, unknown>): RenderedConfig {
  const result = parseProxyConfig(input);
  if (!result.ok) {
    throw new Error(`the proxy would refuse the rendered config.yaml: ${result.errors.join('; ')}`);
  }
  const yaml = `# Rendered by cdk8s-ai-failover. Edits to this ConfigMap are hot-reloaded by the proxy.\n${stringify(input, { lineWidth: 0 })}`;
  return { input, yaml };
}

/** The proxy's config.yaml and the env variables that carry the keys it names. @internal */
export interface ProxyConfigFile extends RenderedConfig {
  /** Env variables carrying upstream keys, the default key (`HOLYSHEEP_API_KEY`) first. */
  readonly apiKeyEnvs: ApiKeyEnv[];
}

/**
 * config.yaml of a proxy: upstreams (with the env variable of each key),
 * breaker, retries, timeouts, rate limit, pricing, logging, lifecycle,
 * egress, and the buffered-response budget and trusted forwarding peers when
 * they differ from the runtime's defaults. Throws naming the prop for a model priced twice, anything
 * the playbook's env names cannot carry, or anything the runtime's schema refuses. @internal
 */
export function renderProxyConfig(settings: ProxySettings, sharedState?: SharedStateConfigSection): ProxyConfigFile {
  const { upstreams } = settings;
  // with legacy env vars the runtime's env upstreams read ENV.apiKey: the shared key must be emitted under that name
  const keys = assignApiKeyEnvs(upstreams, settings.legacyEnvVars ? legacyEnvSharedKey(upstreams, settings.apiKey) : settings.apiKey);
  const input: Record<string, unknown> = {
    upstreams: upstreams.map((upstream, index) => ({
      name: upstream.name,
      baseUrl: upstream.baseUrl,
      priority: settings.priorities[index],
      ...(upstream.weight !== 1 ? { weight: upstream.weight } : {}),
      ...(upstream.maxConnections !== UPSTREAM_MAX_CONNECTIONS.default ? { maxConnections: upstream.maxConnections } : {}),
      apiKeyEnv: keys.byUpstream.get(upstream.name),
      ...(upstream.models.length > 0 ? { models: upstream.models } : {}),
      ...(Object.keys(upstream.modelRewrites).length > 0 ? { modelRewrites: upstream.modelRewrites } : {}),
      ...(upstream.format !== UpstreamFormat.OPENAI ? { format: upstream.format } : {}),
      ...(upstream.anthropicVersion !== undefined ? { anthropicVersion: upstream.anthropicVersion } : {}),
      ...(upstream.defaultMaxTokens !== undefined ? { defaultMaxTokens: upstream.defaultMaxTokens } : {}),
    })),
    circuitBreaker: {
      failureThreshold: settings.failureThreshold,
      recoveryTimeoutSeconds: settings.recoveryTimeoutSeconds,
      maxRecoveryTimeoutSeconds: settings.maxRecoveryTimeoutSeconds,
      halfOpenMaxCalls: settings.halfOpenMaxCalls,
    },
    retries: { maxRetries: settings.maxRetries },
    timeouts: {
      requestSeconds: settings.requestTimeoutSeconds,
      deadlineSeconds: settings.requestDeadlineSeconds,
      ...(settings.clientWriteTimeoutSeconds !== TIMEOUTS_DEFAULTS.clientWriteSeconds
        ? { clientWriteSeconds: settings.clientWriteTimeoutSeconds } : {}),
    },
    rateLimit: { requestsPerMinute: settings.rateLimitPerMinute },
    pricing: settings.pricing,
    logging: { level: settings.logLevel },
    lifecycle: { shutdownDelaySeconds: settings.shutdownDelaySeconds, drainTimeoutSeconds: settings.drainTimeoutSeconds },
    ...limitsSection(settings),
    ...(settings.trustedProxyCidrs.length > 0 ? { server: { trustedProxyCidrs: settings.trustedProxyCidrs } } : {}),
    ...egressSection(settings),
    ...(sharedState ? { sharedState } : {}),
  };
  return { ...renderConfig(input), apiKeyEnvs: keys.envs };
}

/** config.yaml `pricing`: USD per 1M tokens by model. @internal */
export type ModelPriceTable = Record<string, { inputPerMillion: number; outputPerMillion: number }>;

/** `pricing` of config.yaml from the prop (default: the runtime's DEFAULT_PRICING); throws on a model listed twice. @internal */
export function resolvePricing(prices: readonly ModelPrice[] | undefined): ModelPriceTable {
  const table: ModelPriceTable = {};
  const defaults = Object.entries(DEFAULT_PRICING)
    .map(([model, p]) => ({ model, inputPerMillionUsd: p.inputPerMillion, outputPerMillionUsd: p.outputPerMillion }));
  for (const price of prices ?? defaults) {
    if (table[price.model]) {
      throw new Error(`'pricing' must list each model once (received "${price.model}" twice)`);
    }
    table[price.model] = { inputPerMillion: price.inputPerMillionUsd, outputPerMillion: price.outputPerMillionUsd };
  }
  return table;
}

/** `{ limits }` with the memory budgets that differ from the runtime's defaults, else `{}`. */
function limitsSection(settings: ProxySettings): { limits?: Record<string, number> } {
  const limits: Record<string, number> = {};
  if (settings.maxBufferedResponseBytes !== MAX_BUFFERED_RESPONSE_BYTES_DEFAULT) {
    limits.maxBufferedResponseBytes = settings.maxBufferedResponseBytes;
  }
  if (settings.maxBufferedRequestBytes !== MAX_BUFFERED_REQUEST_BYTES_DEFAULT) {
    limits.maxBufferedRequestBytes = settings.maxBufferedRequestBytes;
  }
  return Object.keys(limits).length > 0 ? { limits } : {};
}

/** `{ egress }` when an HTTPS proxy, no-proxy hosts or a CA bundle is set, else `{}` (no empty section). */
function egressSection(settings: ProxySettings): { egress?: Record<string, unknown> } {
  const egress: Record<string, unknown> = {};
  if (settings.httpsProxy !== undefined) {
    egress.httpsProxy = settings.httpsProxy;
  }
  if (settings.noProxy.length > 0) {
    egress.noProxy = settings.noProxy.join(',');
  }
  if (settings.caBundle) {
    egress.caBundlePath = CA_BUNDLE_PATH;
  }
  return Object.keys(egress).length > 0 ? { egress } : {};
}
