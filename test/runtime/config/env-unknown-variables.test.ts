/**
 * A misspelled playbook variable (HOLYSHEEP_BACKUP_REGION for
 * HOLYSHEEP_BACKUP_REGIONS) is named at start with its close match, once;
 * variables the config reads (an upstream's apiKeyEnv) are not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { closestName, envConfig, envNamesInConfig, unknownPlaybookVariables, unknownVariableMessage } from '../../../runtime/config/env-config';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';
import { ENV } from '../../../src/contract';
import { eventLine, startBin, type BinProcess } from '../cli/bin-process';

describe('unknown HOLYSHEEP_* variables', () => {
  it('names each set HOLYSHEEP_* variable the proxy does not read, with its close match', () => {
    // GIVEN two misspellings, one unrelated name, the known names and a variable of another prefix
    const env = {
      HOLYSHEEP_BACKUP_REGION: 'https://us.example/v1',
      HOLYSHEEP_PRIMARY_REGON: 'https://ap.example/v1',
      HOLYSHEEP_COLOUR: 'blue',
      HOLYSHEEP_API_KEY: 'sk-1',
      HOLYSHEEP_PRIMARY_REGION: 'https://ap.example/v1',
      FAILURE_THRESHOLDS: '3',
    };
    // WHEN they are checked
    const unknown = unknownPlaybookVariables(env);
    // THEN the three unknown HOLYSHEEP_* names are listed, sorted, with a match where one is close
    expect(unknown).toEqual([
      { name: 'HOLYSHEEP_BACKUP_REGION', closest: 'HOLYSHEEP_BACKUP_REGIONS' },
      { name: 'HOLYSHEEP_COLOUR', closest: undefined },
      { name: 'HOLYSHEEP_PRIMARY_REGON', closest: 'HOLYSHEEP_PRIMARY_REGION' },
    ]);
    expect(unknown.map(unknownVariableMessage)).toEqual([
      'unknown environment variable HOLYSHEEP_BACKUP_REGION is ignored: did you mean HOLYSHEEP_BACKUP_REGIONS?',
      'unknown environment variable HOLYSHEEP_COLOUR is ignored',
      'unknown environment variable HOLYSHEEP_PRIMARY_REGON is ignored: did you mean HOLYSHEEP_PRIMARY_REGION?',
    ]);
  });

  it('accepts the env names the config reads, and suggests them', () => {
    // GIVEN an upstream whose key is in HOLYSHEEP_US_API_KEY, and that name misspelled
    const env = { HOLYSHEEP_US_API_KEY: 'sk-us', HOLYSHEEP_US_APIKEY: 'sk-us' };
    // WHEN checked with the config's env names
    // THEN only the misspelling is listed, pointing at the configured name
    expect(unknownPlaybookVariables(env, ['HOLYSHEEP_US_API_KEY'])).toEqual([{ name: 'HOLYSHEEP_US_APIKEY', closest: 'HOLYSHEEP_US_API_KEY' }]);
  });

  it('ignores the variables Kubernetes sets for a Service named holysheep-…', () => {
    // GIVEN the service-link variables of Service holysheep-ai-service (port 80, named http)
    const env = Object.fromEntries([
      'HOLYSHEEP_AI_SERVICE_SERVICE_HOST', 'HOLYSHEEP_AI_SERVICE_SERVICE_PORT', 'HOLYSHEEP_AI_SERVICE_SERVICE_PORT_HTTP', 'HOLYSHEEP_AI_SERVICE_PORT',
      'HOLYSHEEP_AI_SERVICE_PORT_80_TCP', 'HOLYSHEEP_AI_SERVICE_PORT_80_TCP_PROTO', 'HOLYSHEEP_AI_SERVICE_PORT_80_TCP_PORT', 'HOLYSHEEP_AI_SERVICE_PORT_80_TCP_ADDR',
    ].map((name) => [name, '10.0.0.1']));
    // THEN none is reported
    expect(unknownPlaybookVariables(env)).toEqual([]);
  });

  it('reads the env names of a config from every field named …Env', () => {
    // GIVEN a config with key variables on two upstreams and a nested one
    const config = { upstreams: [{ name: 'a', apiKeyEnv: 'HOLYSHEEP_API_KEY' }, { name: 'b', apiKeyEnv: 'HOLYSHEEP_B_API_KEY' }], sharedState: { passwordEnv: 'REDIS_PASSWORD' }, server: { port: 8080 } };
    // THEN all three names are found
    expect(envNamesInConfig(config)).toEqual(['HOLYSHEEP_API_KEY', 'HOLYSHEEP_B_API_KEY', 'REDIS_PASSWORD']);
  });

  it('suggests only names within a few edits', () => {
    expect(closestName('HOLYSHEEP_BACKUP_REGION', [ENV.backupRegions, ENV.primaryRegion])).toBe(ENV.backupRegions);
    expect(closestName('HOLYSHEEP_TIMEOUT', [ENV.backupRegions, ENV.primaryRegion, ENV.apiKey])).toBeUndefined();
  });

  it('refuses a LOG_FORMAT other than auto or json naming the value', () => {
    expect(envConfig({ [ENV.logFormat]: 'pretty' }).errors).toEqual(['LOG_FORMAT: must be one of auto, json (received "pretty")']);
    expect(envConfig({ [ENV.logFormat]: 'json' }).errors).toEqual([]);
  });
});

describe('the proxy process with a misspelled playbook variable', () => {
  let mock: MockUpstream | undefined;
  let proxy: BinProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await proxy?.stop();
    await mock?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    proxy = undefined;
    mock = undefined;
  });

  it('warns once at start, naming the close match, and not about the config\'s own key variable', async () => {
    // GIVEN a config whose upstream reads HOLYSHEEP_US_API_KEY, and HOLYSHEEP_BACKUP_REGION set by mistake
    mock = await startMockUpstream({ name: 'us' });
    dir = mkdtempSync(join(tmpdir(), 'env-unknown-'));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, stringify({ upstreams: [{ name: 'us', baseUrl: mock.url, apiKeyEnv: 'HOLYSHEEP_US_API_KEY' }] }));
    // WHEN the bundled proxy starts
    const env = { HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', SHUTDOWN_DELAY: '0', CONFIG_PATH: configPath };
    const playbook = { HOLYSHEEP_US_API_KEY: 'sk-us-key-1', HOLYSHEEP_BACKUP_REGION: 'http://127.0.0.1:1/v1' };
    proxy = startBin(join(__dirname, '..', '..', '..', 'lib', 'runtime', 'ai-failover-proxy.js'), [], { ...env, ...playbook });
    await proxy.line((l) => eventLine(l, 'listening') !== undefined);
    // THEN exactly one warning names the variable and its match, before "listening"
    const warnings = proxy.stdout().split('\n').map((l) => eventLine(l, 'env_unknown')).filter((l) => l !== undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 'warn',
      variable: 'HOLYSHEEP_BACKUP_REGION',
      closest: 'HOLYSHEEP_BACKUP_REGIONS',
      msg: 'unknown environment variable HOLYSHEEP_BACKUP_REGION is ignored: did you mean HOLYSHEEP_BACKUP_REGIONS?',
    });
  });
});
