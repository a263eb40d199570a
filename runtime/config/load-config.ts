import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { envConfig, type Env } from './env-config';
import { CONFIG_FILE, ENV, parseProxyConfig, type ProxyConfig } from '../../src/contract';

/** A config that failed validation; `errors` lists every offending field with its value. */
export class ConfigError extends Error {
  public readonly errors: readonly string[];
  constructor(source: string, errors: readonly string[]) {
    super(`invalid config (${source}):\n  - ${errors.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.errors = errors;
  }
}

/** A validated config and where it came from. */
export interface LoadedConfig {
  readonly config: ProxyConfig;
  /** The config file read, or undefined when none was (missing default path). */
  readonly configPath?: string;
  /** The path watched for hot reload (explicit or default). */
  readonly watchPath: string;
  /** Non-fatal remarks for the start log. */
  readonly warnings: readonly string[];
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Overrides CONFIG_PATH. An explicit path must exist. */
  readonly configPath?: string;
  /** Replaces reading the file (tests / watcher). */
  readonly readFile?: (path: string) => string;
}

/**
 * Loads the config: defaults < config.yaml at CONFIG_PATH < env. Synchronous;
 * throws {@link ConfigError} naming every bad field path and value at once.
 * A missing default file is fine; a missing explicit one is an error. No
 * upstream at all is an error naming `upstreams`.
 */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): LoadedConfig {
  const explicit = options.configPath ?? (env[ENV.configPath]?.trim() || undefined);
  const path = explicit ?? CONFIG_FILE.defaultPath;
  const read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const errors: string[] = [];
  const warnings: string[] = [];

  let fileConfig: Record<string, unknown> = {};
  let configPath: string | undefined;
  if (explicit !== undefined || existsSync(path)) {
    try {
      const parsed = parseYaml(read(path)) as unknown;
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) {
          errors.push(`(root): ${path} must hold a YAML mapping (received ${Array.isArray(parsed) ? 'a list' : typeof parsed})`);
        } else {
          fileConfig = parsed as Record<string, unknown>;
        }
      }
      configPath = path;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') configPath = path;
      errors.push(code === 'ENOENT'
        ? `${ENV.configPath}: config file not found (received ${JSON.stringify(path)})`
        : `${path}: cannot read or parse YAML: ${yamlReason(error as Error)}`);
    }
  }

  const fromEnv = envConfig(env);
  errors.push(...fromEnv.errors);
  const merged: Record<string, unknown> = { ...fileConfig };
  for (const [section, fields] of Object.entries(fromEnv.overrides)) {
    const base = merged[section];
    merged[section] = { ...(base !== null && typeof base === 'object' && !Array.isArray(base) ? base : {}), ...fields };
  }
  if (fromEnv.upstreams) {
    if (Array.isArray(merged.upstreams) && merged.upstreams.length > 0) {
      warnings.push(`${ENV.primaryRegion} is set: its env upstreams replace the ${merged.upstreams.length} upstream(s) of ${path}`);
    }
    merged.upstreams = fromEnv.upstreams;
  } else if (env[ENV.backupRegions]?.trim()) {
    warnings.push(`${ENV.backupRegions} is ignored without ${ENV.primaryRegion}`);
  }
  if (fromEnv.clientKeys) {
    const auth = merged.auth !== null && typeof merged.auth === 'object' ? merged.auth as Record<string, unknown> : {};
    merged.auth = { ...auth, clientKeys: fromEnv.clientKeys };
  }

  const result = parseProxyConfig(merged);
  if (!result.ok) {
    errors.push(...result.errors.map((message) => labelEnvError(message, fromEnv.sources, fromEnv.clientKeys)));
  }
  if (errors.length === 0 && result.ok && result.config.upstreams.length === 0) {
    errors.push(`upstreams: at least one upstream is required: set ${ENV.primaryRegion} or list upstreams in ${path} (received [])`);
  }
  if (errors.length > 0 || !result.ok) {
    throw new ConfigError(configPath ?? 'env', errors);
  }

  let config = result.config;
  if (config.auth.clientKeysFile) {
    const keys = readClientKeysFile(config.auth.clientKeysFile, read);
    config = { ...config, auth: { ...config.auth, clientKeys: [...new Set([...config.auth.clientKeys, ...keys])] } };
  }
  return { config, configPath, watchPath: path, warnings };
}

/** Reads a Secret-mounted file of client keys, one per line (`#` comments allowed). */
function readClientKeysFile(path: string, read: (p: string) => string): string[] {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    throw new ConfigError('auth', [`auth.clientKeysFile: cannot read file: ${(error as NodeJS.ErrnoException).code ?? 'error'} (received ${JSON.stringify(path)})`]);
  }
  const keys = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('#'));
  const short = keys.filter((key) => key.length < 8).length;
  if (short > 0) {
    throw new ConfigError('auth', [`auth.clientKeysFile: ${short} key(s) shorter than 8 characters (received [redacted])`]);
  }
  return keys;
}

/**
 * One line for a YAML parse error: the reason and its `line L, column C`,
 * without the source excerpt the parser appends after the colon.
 */
export function yamlReason(error: Error): string {
  const first = error.message.split('\n')[0] ?? error.message;
  const match = /^(.*) at line (\d+), column (\d+):?\s*$/.exec(first);
  return match ? `line ${match[2]}, column ${match[3]}: ${match[1]}` : first.replace(/:\s*$/, '');
}

/**
 * Prefixes a schema error whose path was set by an env variable with that
 * variable: `MAX_RETRIES (retries.maxRetries): ...`. A PROXY_API_KEYS error
 * shows the key's index and length, never its value.
 */
export function labelEnvError(message: string, sources: Readonly<Record<string, string>>, clientKeys?: readonly string[]): string {
  const colon = message.indexOf(': ');
  if (colon < 0) return message;
  const path = message.slice(0, colon);
  const key = Object.keys(sources).find((p) => path === p || path.startsWith(`${p}.`));
  if (key === undefined) return message;
  const name = sources[key]!;
  let rest = message.slice(colon + 2);
  if (key === 'auth.clientKeys') {
    const index = Number(path.slice(key.length + 1).split('.')[0]);
    const length = Number.isInteger(index) ? clientKeys?.[index]?.length : undefined;
    rest = rest.replace(/ \(received [^)]*\)$/, '') + (length === undefined ? '' : ` (received key #${index}, ${length} character${length === 1 ? '' : 's'})`);
  }
  return `${name} (${path}): ${rest}`;
}
