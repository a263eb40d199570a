import { ENV, ENV_UPSTREAM_NAMES } from '../../src/contract';

/** Values of LOG_FORMAT: `auto` (readable fatal errors on a terminal, JSON lines otherwise) or `json`. */
export const LOG_FORMATS: readonly string[] = ['auto', 'json'];

/** Environment as the runtime reads it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Result of {@link envConfig}: a partial config object and every env error found. */
export interface EnvConfigResult {
  /** Sections/fields set by env, to be merged over the file (deep, per section). */
  readonly overrides: Record<string, Record<string, unknown>>;
  /** Upstreams from the playbook's env names, when HOLYSHEEP_PRIMARY_REGION is set. */
  readonly upstreams?: Array<Record<string, unknown>>;
  /** Client keys from PROXY_API_KEYS, when set. */
  readonly clientKeys?: string[];
  /** `NAME: message (received "value")` for each bad variable. */
  readonly errors: string[];
  /** Config path (`section.field`) → the env variable that set it, for error labels. */
  readonly sources: Readonly<Record<string, string>>;
}

/** Reads the playbook's env names (and the process variables) into config fields. */
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
  const logFormat = read(ENV.logFormat);
  if (logFormat !== undefined && !LOG_FORMATS.includes(logFormat)) {
    errors.push(`${ENV.logFormat}: must be one of ${LOG_FORMATS.join(', ')} (received ${JSON.stringify(env[ENV.logFormat])})`);
  }
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

/** Prefix of the playbook's variables (`HOLYSHEEP_API_KEY`, `HOLYSHEEP_PRIMARY_REGION`, …). */
export const PLAYBOOK_ENV_PREFIX = 'HOLYSHEEP_';

/**
 * Variables Kubernetes sets for each Service in the namespace when service
 * links are on (`HOLYSHEEP_AI_SERVICE_SERVICE_HOST`, `…_PORT_80_TCP_ADDR`, …):
 * not the user's, never warned about.
 */
const SERVICE_LINK = /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PORT|PROTO|ADDR))?)?)$/;

/** Edit distance of two names (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known name closest to `name`, when it is close enough to be a misspelling of it. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(best.name.length / 5)) ? best.name : undefined;
}

/**
 * Set `HOLYSHEEP_*` variables the proxy does not read (the playbook's names
 * are in {@link ENV}; `known` adds the config's other env names, e.g. each
 * upstream's `apiKeyEnv`), sorted, each with its close match when there is one.
 * Values are never looked at beyond being set.
 */
export function unknownPlaybookVariables(env: Env, known: Iterable<string> = []): Array<{ readonly name: string; readonly closest?: string }> {
  const names = new Set<string>([...Object.values(ENV), ...known].filter((n) => n.startsWith(PLAYBOOK_ENV_PREFIX)));
  return Object.keys(env)
    .filter((name) => name.startsWith(PLAYBOOK_ENV_PREFIX) && env[name] !== undefined && !names.has(name) && !SERVICE_LINK.test(name))
    .sort()
    .map((name) => ({ name, closest: closestName(name, names) }));
}

/** The env variable names a config reads: every string field named `…Env` (e.g. `upstreams[].apiKeyEnv`), at any depth. */
export function envNamesInConfig(config: unknown): string[] {
  const names: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    for (const [key, field] of Object.entries(value)) {
      if (typeof field === 'string' && key.endsWith('Env')) names.push(field);
      else visit(field, depth + 1);
    }
  };
  visit(config, 0);
  return names;
}

/** The warning for one unknown playbook variable. */
export function unknownVariableMessage(unknown: { readonly name: string; readonly closest?: string }): string {
  return `unknown environment variable ${unknown.name} is ignored${unknown.closest === undefined ? '' : `: did you mean ${unknown.closest}?`}`;
}
