import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../runtime/config/load-config';

const UPSTREAM = { HOLYSHEEP_PRIMARY_REGION: 'http://127.0.0.1:9/v1' };

function errorsOf(env: Record<string, string>, readFile?: (p: string) => string, configPath?: string): readonly string[] {
  try {
    loadConfig({ ...UPSTREAM, ...env }, { readFile, configPath });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).errors;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: schema errors of env-set fields name the env variable', () => {
  it.each([
    ['MAX_RETRIES', '-1', 'retries.maxRetries'],
    ['REQUEST_TIMEOUT', '0', 'timeouts.requestSeconds'],
    ['REQUEST_DEADLINE', '-3', 'timeouts.deadlineSeconds'],
    ['PORT', '70000', 'server.port'],
    ['METRICS_PORT', '70000', 'server.metricsPort'],
    ['LOG_LEVEL', 'loud', 'logging.level'],
  ])('GIVEN %s=%s WHEN loaded THEN the error starts with the variable and the field path', (name, value, path) => {
    const errors = errorsOf({ [name]: value });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.startsWith(`${name} (${path}): `)).toBe(true);
  });

  it('names the variable, index and length of each short PROXY_API_KEYS key, never the key', () => {
    // GIVEN PROXY_API_KEYS with short keys, WHEN loaded, THEN each error names the variable, index and length, never the key
    const errors = errorsOf({ PROXY_API_KEYS: 'k1,longenoughkey,abc' });
    expect(errors).toEqual([
      expect.stringMatching(/^PROXY_API_KEYS \(auth\.clientKeys\.0\): Too small.*\(received key #0, 2 characters\)$/),
      expect.stringMatching(/^PROXY_API_KEYS \(auth\.clientKeys\.2\): Too small.*\(received key #2, 3 characters\)$/),
    ]);
    expect(errors.join('\n')).not.toMatch(/k1|abc|longenoughkey/);
  });

  it('keeps the plain path label for the same bad field from the file', () => {
    // GIVEN the same bad field from the file, WHEN loaded, THEN it keeps its plain path label
    const errors = errorsOf({}, () => 'retries:\n  maxRetries: -1\n', '/etc/x/config.yaml');
    expect(errors[0]).toMatch(/^retries\.maxRetries: /);
  });
});

describe('loadConfig: broken YAML', () => {
  it('labels an unparsable file\'s error with the path, line, column and reason on one line', () => {
    // GIVEN an unparsable file, WHEN loaded, THEN the error is labelled with the path and gives line, column and reason on one line
    let caught: unknown;
    try {
      loadConfig(UPSTREAM, { configPath: '/etc/x/config.yaml', readFile: () => 'a: [' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.message.split('\n')[0]).toBe('invalid config (/etc/x/config.yaml):');
    expect(error.errors[0]).toMatch(/^\/etc\/x\/config\.yaml: cannot read or parse YAML: line 1, column \d+: \S.*[a-z]/);
    expect(error.errors[0]).not.toContain('\n');
  });
});
