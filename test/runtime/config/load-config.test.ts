import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../runtime/config/load-config';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (text: string): string => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, text);
    return path;
  };
  const errorsOf = (fn: () => unknown): readonly string[] => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).errors;
    }
    throw new Error('expected a ConfigError');
  };

  it('starts from env alone with the playbook\'s env names and the defaults', () => {
    // GIVEN the playbook's env and no config file
    const env = {
      CONFIG_PATH: undefined,
      HOLYSHEEP_PRIMARY_REGION: 'https://api.holysheep.ai/v1',
      HOLYSHEEP_BACKUP_REGIONS: 'https://us-api.holysheep.ai/v1, https://eu-api.holysheep.ai/v1/',
    };
    // WHEN loading with a default path that does not exist
    const { config } = loadConfig(env, { readFile: () => { throw Object.assign(new Error('nope'), { code: 'ENOENT' }); } });
    // THEN upstreams are primary, backup_1, backup_2 in order, all on HOLYSHEEP_API_KEY
    expect(config.upstreams.map((u) => [u.name, u.baseUrl, u.priority, u.apiKeyEnv])).toEqual([
      ['primary', 'https://api.holysheep.ai/v1', 1, 'HOLYSHEEP_API_KEY'],
      ['backup_1', 'https://us-api.holysheep.ai/v1', 2, 'HOLYSHEEP_API_KEY'],
      ['backup_2', 'https://eu-api.holysheep.ai/v1', 3, 'HOLYSHEEP_API_KEY'],
    ]);
    expect(config.circuitBreaker.failureThreshold).toBe(5);
    expect(config.circuitBreaker.recoveryTimeoutSeconds).toBe(60);
    expect(config.retries.maxRetries).toBe(3);
    expect(config.rateLimit.requestsPerMinute).toBe(1000);
    expect(config.timeouts.requestSeconds).toBe(30);
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080, metricsPort: 9090, trustedProxyCidrs: [] });
  });

  it('ranks env above the file above defaults, and env upstreams replace the file\'s', () => {
    // GIVEN a file that sets upstreams, a threshold and a rate limit
    const path = file([
      'upstreams:',
      '  - {name: file-one, baseUrl: "http://127.0.0.1:1/v1"}',
      'circuitBreaker: {failureThreshold: 7, halfOpenMaxCalls: 2}',
      'rateLimit: {requestsPerMinute: 50}',
    ].join('\n'));
    // WHEN env sets the threshold, a decimal timeout and the primary region
    const { config } = loadConfig({ CONFIG_PATH: path, FAILURE_THRESHOLD: '9', RECOVERY_TIMEOUT: '1.5', HOLYSHEEP_PRIMARY_REGION: 'http://127.0.0.1:2/v1' });
    // THEN env wins field by field, file fields env does not set stay
    expect(config.circuitBreaker.failureThreshold).toBe(9);
    expect(config.circuitBreaker.halfOpenMaxCalls).toBe(2);
    expect(config.circuitBreaker.recoveryTimeoutSeconds).toBe(1.5);
    expect(config.rateLimit.requestsPerMinute).toBe(50);
    expect(config.upstreams.map((u) => u.name)).toEqual(['primary']);
  });

  it('warns when env upstreams replace the file\'s, or backups come without a primary', () => {
    const path = file('upstreams: [{name: a, baseUrl: "http://127.0.0.1:1/v1"}]\n');
    expect(loadConfig({ CONFIG_PATH: path, HOLYSHEEP_PRIMARY_REGION: 'http://127.0.0.1:2/v1' }).warnings).toEqual([
      `HOLYSHEEP_PRIMARY_REGION is set: its env upstreams replace the 1 upstream(s) of ${path}`,
    ]);
    expect(loadConfig({ CONFIG_PATH: path, HOLYSHEEP_BACKUP_REGIONS: 'http://127.0.0.1:3/v1' }).warnings).toEqual([
      'HOLYSHEEP_BACKUP_REGIONS is ignored without HOLYSHEEP_PRIMARY_REGION',
    ]);
  });

  it('keeps the file upstreams when the primary region is unset', () => {
    const path = file('upstreams:\n  - {name: a, baseUrl: "http://127.0.0.1:1/v1", priority: 2}\n');
    expect(loadConfig({}, { configPath: path }).config.upstreams[0]?.name).toBe('a');
  });

  it('lists every bad field path and value in one error', () => {
    // GIVEN a bad file and bad env values
    const path = file('upstreams:\n  - {name: Bad Name, baseUrl: "ftp://x"}\nretries: {maxRetries: -1}\n');
    // WHEN loading
    const errors = errorsOf(() => loadConfig({ CONFIG_PATH: path, FAILURE_THRESHOLD: 'five', REQUEST_TIMEOUT: '30s' }));
    // THEN each problem is named with its value
    expect(errors).toEqual(expect.arrayContaining([
      'FAILURE_THRESHOLD: must be an integer (received "five")',
      'REQUEST_TIMEOUT: must be a number of seconds (decimals allowed) (received "30s")',
      expect.stringMatching(/^upstreams\.0\.name: .*\(received "Bad Name"\)$/),
      expect.stringMatching(/^upstreams\.0\.baseUrl: .*\(received "ftp:\/\/x"\)$/),
      expect.stringMatching(/^retries\.maxRetries: .*\(received -1\)$/),
    ]));
    expect(() => loadConfig({ CONFIG_PATH: path })).toThrow(/upstreams\.0\.baseUrl/);
  });

  it('refuses a missing explicit file but not a missing default one', () => {
    const missing = join(dir, 'nope.yaml');
    expect(errorsOf(() => loadConfig({ CONFIG_PATH: missing, HOLYSHEEP_PRIMARY_REGION: 'http://127.0.0.1:1/v1' }))).toEqual([
      `CONFIG_PATH: config file not found (received ${JSON.stringify(missing)})`,
    ]);
  });

  it('refuses a config without any upstream, naming upstreams', () => {
    const path = file('rateLimit: {requestsPerMinute: 5}\n');
    const errors = errorsOf(() => loadConfig({}, { configPath: path }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^upstreams: at least one upstream is required/);
  });

  it('reads client keys from PROXY_API_KEYS and from a keys file, and never prints them', () => {
    // GIVEN keys in env and in a mounted file
    const keysFile = join(dir, 'keys');
    writeFileSync(keysFile, '# clients\nfile-key-123456\n\n');
    const path = file(`upstreams: [{name: a, baseUrl: "http://127.0.0.1:1/v1"}]\nauth: {clientKeysFile: ${JSON.stringify(keysFile)}}\n`);
    // WHEN loading
    const { config } = loadConfig({ CONFIG_PATH: path, PROXY_API_KEYS: 'env-key-123456, env-key-654321' });
    // THEN both sources are accepted
    expect(config.auth.clientKeys).toEqual(['env-key-123456', 'env-key-654321', 'file-key-123456']);
    // AND a too-short key is refused without echoing it
    const errors = errorsOf(() => loadConfig({ CONFIG_PATH: path, PROXY_API_KEYS: 'short' }));
    expect(errors.join('\n')).not.toContain('short"');
    expect(errors.join('\n')).toContain('auth.clientKeys.0');
  });

  it('reads the bind address from HOST over server.host, refusing a bad one with the variable and value', () => {
    // GIVEN a file with server.host and HOST in env
    const path = file('upstreams: [{name: primary, baseUrl: "http://127.0.0.1:1/v1"}]\nserver: {host: "127.0.0.1"}\n');
    // WHEN loaded with and without HOST
    const fromFile = loadConfig({ CONFIG_PATH: path }).config;
    const fromEnv = loadConfig({ CONFIG_PATH: path, HOST: '::' }).config;
    // THEN env ranks above the file, and a bad host is refused with the field path
    expect(fromFile.server.host).toBe('127.0.0.1');
    expect(fromEnv.server.host).toBe('::');
    expect(errorsOf(() => loadConfig({ CONFIG_PATH: path, HOST: 'bad host!' })).join('\n')).toContain('HOST (server.host): must be an IP address or host name (received "bad host!")');
  });
});
