import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import type { ProxyConfigInput } from '../../../src/contract';
import { startTestProxy, testConfig, type TestProxy } from '../../support/proxy-harness';

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
