import { ENV, ENV_UPSTREAM_NAMES } from '../../src/contract';

/** Environment as the runtime reads it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Result of {@link envConfig}: a partial config object and every env error found. */
export interface EnvConfigResult {
  /** Sections/fields set by env, to be merged over the file (deep, per section). */
  readonly overrides: Record<string, Record<string, unknown>>;
  /** Upstreams from the seed's env interface, when HOLYSHEEP_PRIMARY_REGION is set. */
  readonly upstreams?: Array<Record<string, unknown>>;
  /** Client keys from PROXY_API_KEYS, when set. */
  readonly clientKeys?: string[];
  /** `NAME: message (received "value")` for each bad variable. */
  readonly errors: string[];
}

/** Reads the seed's env interface (and the process variables) into config fields. */
export function envConfig(env: Env): EnvConfigResult {
  const errors: string[] = [];
  const overrides: Record<string, Record<string, unknown>> = {};
  const set = (section: string, field: string, value: unknown): void => {
    if (value === undefined) return;
    (overrides[section] ??= {})[field] = value;
  };
  const read = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const number = (name: string, kind: 'seconds' | 'integer'): number | undefined => {
    const raw = read(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    const ok = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw) && Number.isFinite(value) && (kind === 'seconds' || Number.isInteger(value));
    if (!ok) {
      errors.push(`${name}: must be ${kind === 'seconds' ? 'a number of seconds (decimals allowed)' : 'an integer'} (received ${JSON.stringify(env[name])})`);
      return undefined;
    }
    return value;
  };

  set('circuitBreaker', 'failureThreshold', number(ENV.failureThreshold, 'integer'));
  set('circuitBreaker', 'recoveryTimeoutSeconds', number(ENV.recoveryTimeout, 'seconds'));
  set('retries', 'maxRetries', number(ENV.maxRetries, 'integer'));
  set('rateLimit', 'requestsPerMinute', number(ENV.rateLimitPerMinute, 'integer'));
  set('server', 'host', read(ENV.host));
  set('server', 'port', number(ENV.port, 'integer'));
  set('server', 'metricsPort', number(ENV.metricsPort, 'integer'));
  set('timeouts', 'requestSeconds', number(ENV.requestTimeout, 'seconds'));
  set('timeouts', 'deadlineSeconds', number(ENV.requestDeadline, 'seconds'));
  set('limits', 'maxBodyBytes', number(ENV.maxBodyBytes, 'integer'));
  set('lifecycle', 'shutdownDelaySeconds', number(ENV.shutdownDelay, 'seconds'));
  set('lifecycle', 'drainTimeoutSeconds', number(ENV.drainTimeout, 'seconds'));
  set('logging', 'level', read(ENV.logLevel)?.toLowerCase());
  set('egress', 'httpsProxy', read(ENV.httpsProxy) ?? read(ENV.httpsProxy.toLowerCase()));
  set('egress', 'noProxy', read(ENV.noProxy) ?? read(ENV.noProxy.toLowerCase()));
  set('egress', 'caBundlePath', read(ENV.caBundlePath));

  const clientKeysRaw = read(ENV.proxyApiKeys);
  const clientKeys = clientKeysRaw === undefined ? undefined : splitList(clientKeysRaw);

  const primary = read(ENV.primaryRegion);
  let upstreams: Array<Record<string, unknown>> | undefined;
  if (primary !== undefined) {
    const backups = splitList(read(ENV.backupRegions) ?? '');
    upstreams = [primary, ...backups].map((baseUrl, index) => ({
      name: index === 0 ? ENV_UPSTREAM_NAMES.primary : `${ENV_UPSTREAM_NAMES.backupPrefix}${index}`,
      baseUrl: baseUrl.replace(/\/+$/, ''),
      priority: index + 1,
      apiKeyEnv: ENV.apiKey,
    }));
  }
  return { overrides, upstreams, clientKeys, errors };
}

/** Splits a comma-separated list, dropping blanks. */
export function splitList(raw: string): string[] {
  return raw.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
}
