import { parseRedisUrl, withPassword, type RedisTarget } from './redis-url';
import { ENV } from '../../src/contract';

/** What the proxy does with rate-limited routes while Redis cannot be reached. */
export type SharedStateFailMode = 'open' | 'closed';

/** The `sharedState` section of config.yaml, after defaults. */
export interface SharedStateConfig {
  /** Prefix of every key and channel; unset: derived from the deployment name ({@link defaultKeyPrefix}). */
  readonly keyPrefix?: string;
  /** Longest wait on one Redis command, in ms. */
  readonly commandTimeoutMs: number;
  /** `open`: pod-local limiter and breakers while Redis is away; `closed`: 503 on rate-limited routes. */
  readonly failMode: SharedStateFailMode;
  /** Share breaker opens and half-open probes across the replicas. */
  readonly shareBreakers: boolean;
}

/** Shared state settings the runtime runs on (REDIS_URL set). */
export interface SharedStateSettings {
  readonly target: RedisTarget;
  /** Ends with `:`. */
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly failMode: SharedStateFailMode;
  readonly shareBreakers: boolean;
}

/** Env variables shared state reads (names from the contract). */
export const SHARED_STATE_ENV = {
  url: ENV.redisUrl,
  password: ENV.redisPassword,
  deploymentName: ENV.deploymentName,
} as const;

/** Name used when neither DEPLOYMENT_NAME nor a pod-shaped HOSTNAME says which deployment this is. */
const FALLBACK_NAME = 'ai-failover-proxy';

/**
 * The default key prefix: `ai-failover:<deployment>:`, where the deployment
 * is DEPLOYMENT_NAME, else HOSTNAME without a Deployment pod's two hash
 * suffixes (`<deployment>-<replicaset hash>-<pod hash>`), else
 * `ai-failover-proxy`. Replicas of one Deployment share it; two proxies with
 * different names can share one Redis.
 */
export function defaultKeyPrefix(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env[SHARED_STATE_ENV.deploymentName]?.trim();
  const fromHost = /^([a-z0-9][a-z0-9-]*?)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(env.HOSTNAME?.trim() ?? '')?.[1];
  return `ai-failover:${explicit || fromHost || FALLBACK_NAME}:`;
}

/** Result of {@link sharedStateSettings}. */
export type SharedStateSettingsResult =
  | { readonly ok: true; readonly settings: SharedStateSettings | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * Shared state settings from env and config: undefined (off) without
 * REDIS_URL, an error naming the variable when the URL is not usable.
 */
export function sharedStateSettings(env: Readonly<Record<string, string | undefined>>, config: SharedStateConfig): SharedStateSettingsResult {
  const raw = env[SHARED_STATE_ENV.url]?.trim();
  if (!raw) return { ok: true, settings: undefined };
  const parsed = parseRedisUrl(raw, SHARED_STATE_ENV.url);
  if (!parsed.ok) return parsed;
  const password = env[SHARED_STATE_ENV.password];
  const target = password ? withPassword(parsed.target, password) : parsed.target;
  const prefix = config.keyPrefix ?? defaultKeyPrefix(env);
  return {
    ok: true,
    settings: {
      target,
      keyPrefix: prefix.endsWith(':') ? prefix : `${prefix}:`,
      commandTimeoutMs: config.commandTimeoutMs,
      failMode: config.failMode,
      shareBreakers: config.shareBreakers,
    },
  };
}
