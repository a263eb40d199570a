import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';
import { startTestProxy, type TestProxy } from '../../support/proxy-harness';

const UPSTREAM_KEY = 'sk-e2e-upstream-SECRET-42';

/** Two mocks, `one` (priority 1) and `two` (priority 2), behind the proxy; breakers open on the first failure. */
const yaml = (mocks: readonly MockUpstream[], extra = ''): string => [
  'upstreams:',
  `  - {name: one, baseUrl: "${mocks[0]!.url}", priority: 1}`,
  `  - {name: two, baseUrl: "${mocks[1]!.url}", priority: 2}`,
  'circuitBreaker: {failureThreshold: 1, recoveryTimeoutSeconds: 60}',
  'retries: {maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0}',
  'timeouts: {requestSeconds: 2, deadlineSeconds: 5}',
  extra,
].join('\n');
const chat = (url: string, body: object) => fetch(`${url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hello there, proxy' }], ...body }),
});

describe('a full outage and a hot reload (server, real engine, two mocks)', () => {
  let mocks: MockUpstream[] = [];
  let proxy: TestProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await Promise.all(mocks.map((m) => m.close()));
    mocks = [];
  });
  const start = async (extra = '') => {
    mocks = [await startMockUpstream({ name: 'one' }), await startMockUpstream({ name: 'two' })];
    proxy = await startTestProxy(yaml(mocks, extra), { env: { HOLYSHEEP_API_KEY: UPSTREAM_KEY } });
    return { p: proxy, path: proxy.configPath, logs: proxy.logs };
  };

  it('stays ready in a full outage and keeps breaker state across a hot reload', async () => {
    // GIVEN both upstreams failing until their breakers open
    const { p, path } = await start();
    mocks.forEach((m) => m.setMode({ kind: 'status', status: 500 }));
    const failed = await chat(p.origin, { model: 'gpt-4.1' });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(p.engine.upstreamStatus().map((u) => u.state)).toEqual(['open', 'open']);
    // WHEN probes run
    // THEN readiness stays 200
    expect((await fetch(`${p.origin}/health/ready`)).status).toBe(200);
    // WHEN the config changes without touching the upstreams
    writeFileSync(path, yaml(mocks, 'rateLimit: {requestsPerMinute: 500}'));
    p.running.reloadConfig();
    // THEN the new config runs and the breakers are still open
    expect(p.running.config().rateLimit.requestsPerMinute).toBe(500);
    expect(p.engine.upstreamStatus().map((u) => u.state)).toEqual(['open', 'open']);
  });
});
