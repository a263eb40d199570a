import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyProcess, type ProxyProcess } from './proxy-process';
import { startRedis, type TestRedis } from './redis-server';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { eventually } from '../../support/eventually';
import { startMocks } from '../../support/proxy-harness';

const chat = async (url: string, key = 'client-key-processes-1'): Promise<number> => {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${key}` },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
};

describe('three proxy processes (the bundle) sharing one redis-server', () => {
  let redis: TestRedis;
  let primary: MockUpstream;
  let backup: MockUpstream;
  let processes: ProxyProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    [primary, backup] = await startMocks(2);
    const config = [
      'upstreams:',
      `  - {name: primary, baseUrl: "${primary.url}", priority: 1}`,
      `  - {name: backup, baseUrl: "${backup.url}", priority: 2}`,
      'circuitBreaker: {failureThreshold: 1, recoveryTimeoutSeconds: 60, maxRecoveryTimeoutSeconds: 60}',
      'retries: {baseDelayMs: 0, maxDelayMs: 0}',
      'rateLimit: {requestsPerMinute: 60}',
      'auth: {clientKeys: ["client-key-processes-1", "client-key-processes-2"]}',
      'sharedState: {keyPrefix: "processes", commandTimeoutMs: 500}',
      '',
    ].join('\n');
    processes = await Promise.all([0, 1, 2].map(() => startProxyProcess(config, { REDIS_URL: redis.url })));
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await primary.close();
    await backup.close();
    await redis.stop();
  });

  const primaryState = async (p: ProxyProcess): Promise<string | undefined> => {
    const status = (await (await fetch(`${p.url}/health/upstreams`)).json()) as { upstreams: Array<{ name: string; state: string }> };
    return status.upstreams.find((u) => u.name === 'primary')?.state;
  };

  it('holds an upstream open in every process within 1 s of one process opening it', async () => {
    // GIVEN a failing primary
    primary.setMode({ kind: 'status', status: 500 });
    // WHEN one request through the first process fails on it (and is served by the backup)
    expect(await chat(processes[0].url)).toBe(200);
    const seen = primary.requests;
    // THEN the two other processes hold the primary open within 1 s, without trying it
    await eventually(async () => {
      expect(await primaryState(processes[1])).toBe('open');
      expect(await primaryState(processes[2])).toBe('open');
    }, 1000);
    expect(primary.requests).toBe(seen);
    expect(processes.every((p) => p.logs().includes('shared state: connected to Redis'))).toBe(true);
  });

  it('admits 60 ± 2 of a burst of 150 spread over the processes', async () => {
    // GIVEN 60 requests per minute for one (fresh) client key
    // WHEN it sends 150 requests at once, round robin over the three processes
    const statuses = await Promise.all(Array.from({ length: 150 }, (_, i) => chat(processes[i % 3].url, 'client-key-processes-2')));
    // THEN 60 ± 2 are served fleet-wide (not 60 per process), the rest get 429
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBeGreaterThanOrEqual(58);
    expect(served).toBeLessThanOrEqual(62);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  });
});
