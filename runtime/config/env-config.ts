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
  /** Config path (`section.field`) → the env variable that set it, for error labels. */
  readonly sources: Readonly<Record<string, string>>;
}

/** Reads the seed's env interface (and the process variables) into config fields. */
export function envConfig(env: Env): EnvConfigResult {
  const errors: string[] = [];
  const overrides: Record<string, Record<string, unknown>> = {};
  const sources: Record<string, string> = {};
  const set = (section: string, field: string, value: unknown, name?: string): void => {
    if (value === undefined) return;
    (overrides[section] ??= {})[field] = value;
    if (name !== undefined) sources[`${section}.${field}`] = name;
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

  set('circuitBreaker', 'failureThreshold', number(ENV.failureThreshold, 'integer'), ENV.failureThreshold);
  set('circuitBreaker', 'recoveryTimeoutSeconds', number(ENV.recoveryTimeout, 'seconds'), ENV.recoveryTimeout);
  set('retries', 'maxRetries', number(ENV.maxRetries, 'integer'), ENV.maxRetries);
  set('rateLimit', 'requestsPerMinute', number(ENV.rateLimitPerMinute, 'integer'), ENV.rateLimitPerMinute);
  set('server', 'host', read(ENV.host), ENV.host);
  set('server', 'port', number(ENV.port, 'integer'), ENV.port);
  set('server', 'metricsPort', number(ENV.metricsPort, 'integer'), ENV.metricsPort);
  set('timeouts', 'requestSeconds', number(ENV.requestTimeout, 'seconds'), ENV.requestTimeout);
  set('timeouts', 'deadlineSeconds', number(ENV.requestDeadline, 'seconds'), ENV.requestDeadline);
  set('limits', 'maxBodyBytes', number(ENV.maxBodyBytes, 'integer'), ENV.maxBodyBytes);
  set('lifecycle', 'shutdownDelaySeconds', number(ENV.shutdownDelay, 'seconds'), ENV.shutdownDelay);
  set('lifecycle', 'drainTimeoutSeconds', number(ENV.drainTimeout, 'seconds'), ENV.drainTimeout);
  set('logging', 'level', read(ENV.logLevel)?.toLowerCase(), ENV.logLevel);
  set('egress', 'httpsProxy', read(ENV.httpsProxy) ?? read(ENV.httpsProxy.toLowerCase()), ENV.httpsProxy);
  set('egress', 'noProxy', read(ENV.noProxy) ?? read(ENV.noProxy.toLowerCase()), ENV.noProxy);
  set('egress', 'caBundlePath', read(ENV.caBundlePath), ENV.caBundlePath);

  const clientKeysRaw = read(ENV.proxyApiKeys);
  const clientKeys = clientKeysRaw === undefined ? undefined : splitList(clientKeysRaw);
  if (clientKeys !== undefined) sources['auth.clientKeys'] = ENV.proxyApiKeys;

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
  return { overrides, upstreams, clientKeys, errors, sources };
}

/** Splits a comma-separated list, dropping blanks. */
export function splitList(raw: string): string[] {
  return raw.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
}
