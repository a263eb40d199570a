import { afterAll, beforeAll } from 'vitest';
import { startRedis, type TestRedis } from './redis-server';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import type { ProxyConfigInput } from '../../../src/contract';
import { startMocks, startTestProxy, testConfig, type TestProxy } from '../../support/proxy-harness';

/** Replicas of one proxy (in-process, each on its own loopback ports) sharing one Redis. */
export async function startFleet(count: number, config: ProxyConfigInput, redisUrl: string, env: Record<string, string> = {}): Promise<TestProxy[]> {
  const parsed = testConfig(config);
  const fleet: TestProxy[] = [];
  for (let i = 0; i < count; i++) fleet.push(await startTestProxy(parsed, { env: { REDIS_URL: redisUrl, ...env } }));
  return fleet;
}

/** Upstreams `primary` (priority 1) and `backup` (priority 2) on two mocks. */
export function twoUpstreams(primary: MockUpstream, backup: MockUpstream): ProxyConfigInput['upstreams'] {
  return [
    { name: 'primary', baseUrl: primary.url, priority: 1 },
    { name: 'backup', baseUrl: backup.url, priority: 2 },
  ];
}

/** A chat completion through `proxy`; resolves to the status and headers. */
export async function chat(proxy: TestProxy, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${proxy.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** The breaker state of `upstream` on `proxy`. */
export function stateOf(proxy: TestProxy, upstream: string): string | undefined {
  return proxy.engine.upstreamStatus().find((u) => u.name === upstream)?.state;
}

/** Closes every replica. */
export async function closeAll(fleet: readonly TestProxy[]): Promise<void> {
  await Promise.all(fleet.map((p) => p.close()));
}

/** A fleet over one mock upstream and one Redis, started once for a `describe` by {@link useFleetOverOneMock}. */
export interface FleetFixture {
  /** The replicas. */
  fleet: TestProxy[];
  /** The one upstream every replica uses. */
  mock: MockUpstream;
  /** The Redis they share. */
  redis: TestRedis;
}

/**
 * Starts, before the tests of the calling `describe`, a redis-server, one
 * mock and `count` replicas with `config(mockUrl)`; stops them all after
 * those tests. Read the fields inside tests (they are set in `beforeAll`).
 */
export function useFleetOverOneMock(count: number, config: (mockUrl: string) => ProxyConfigInput): FleetFixture {
  const fixture = { fleet: [] } as unknown as FleetFixture;
  beforeAll(async () => {
    fixture.redis = await startRedis();
    [fixture.mock] = await startMocks(1);
    fixture.fleet = await startFleet(count, config(fixture.mock.url), fixture.redis.url);
  });
  afterAll(async () => {
    await closeAll(fixture.fleet);
    await fixture.mock.close();
    await fixture.redis.stop();
  });
  return fixture;
}
