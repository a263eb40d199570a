import { useProxyFixture, type ProxyFixture } from './proxy-fixture';
import { startTestProxy, type TestProxy } from './proxy-harness';
import { startMockUpstream, type MockUpstream } from '../../runtime/mock/mock-upstream';

/** The upstream key the proxies of {@link useTwoMockProxy} send (env `HOLYSHEEP_API_KEY`). */
export const TWO_MOCK_UPSTREAM_KEY = 'sk-e2e-upstream-SECRET-42';

/** Two mocks, `one` (priority 1) and `two` (priority 2), behind the proxy; breakers open on the first failure. */
export const twoMockConfigYaml = (mocks: readonly MockUpstream[], extra = ''): string => [
  'upstreams:',
  `  - {name: one, baseUrl: "${mocks[0]!.url}", priority: 1}`,
  `  - {name: two, baseUrl: "${mocks[1]!.url}", priority: 2}`,
  'circuitBreaker: {failureThreshold: 1, recoveryTimeoutSeconds: 60}',
  'retries: {maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0}',
  'timeouts: {requestSeconds: 2, deadlineSeconds: 5}',
  extra,
].join('\n');

/** POSTs a one-message chat completion (merged with `body`) to the proxy at `url`. */
export const postChat = (url: string, body: object) => fetch(`${url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hello there, proxy' }], ...body }),
});

/** What {@link useTwoMockProxy} returns. */
export interface TwoMockProxy {
  /** The mocks and proxy of the current test (closed after it). */
  readonly fx: ProxyFixture;
  /** Starts the mocks `one` and `two`, then the proxy from {@link twoMockConfigYaml} with `extra` appended. */
  start(extra?: string): Promise<{ p: TestProxy; path: string; logs: string[] }>;
}

/** The server tests' two-mock proxy; call once at the top of a `describe` (registers the cleanup). */
export function useTwoMockProxy(): TwoMockProxy {
  const fx = useProxyFixture();
  return {
    fx,
    async start(extra = '') {
      fx.mocks = [await startMockUpstream({ name: 'one' }), await startMockUpstream({ name: 'two' })];
      const proxy = fx.proxy = await startTestProxy(twoMockConfigYaml(fx.mocks, extra), { env: { HOLYSHEEP_API_KEY: TWO_MOCK_UPSTREAM_KEY } });
      return { p: proxy, path: proxy.configPath, logs: proxy.logs };
    },
  };
}
