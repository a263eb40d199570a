import { startTestProxy, testConfig } from './proxy-harness';
import type { MockUpstream } from '../../runtime/mock/mock-upstream';
import type { RunningProxy } from '../../runtime/start-proxy';
import type { ProxyConfigInput } from '../../src/contract';

/** The client key the proxies of {@link mockUpstreamsConfig} accept. */
export const CLIENT_KEY = 'client-key-123';
/** The upstream key the proxy sends (env `HOLYSHEEP_API_KEY`). */
export const UPSTREAM_KEY = 'sk-upstream-test-key';

/** A whole proxy (server, auth, engine) started in-process on 127.0.0.1:0 by the one harness. */
export interface StartedProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly proxy: RunningProxy;
  /** Log lines written so far. */
  readonly logs: string[];
  close(): Promise<void>;
}

/**
 * Config with `mocks` as upstreams by priority (each `upstreamFields[i]`
 * merged over its entry, e.g. `{ format: 'anthropic' }`), fast test timeouts
 * and one client key, for the client-SDK tests.
 */
export function mockUpstreamsConfig(
  mocks: readonly MockUpstream[],
  overrides: Partial<ProxyConfigInput> & { upstreamFields?: readonly Record<string, unknown>[] } = {},
): ProxyConfigInput {
  const { upstreamFields, ...rest } = overrides;
  return {
    upstreams: mocks.map((m, i) => ({ name: m.name, baseUrl: m.url, priority: i, ...upstreamFields?.[i] })) as ProxyConfigInput['upstreams'],
    retries: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5 },
    timeouts: { connectSeconds: 1, requestSeconds: 1, deadlineSeconds: 5, firstTokenSeconds: 0.5, streamIdleSeconds: 1 },
    circuitBreaker: { failureThreshold: 3, recoveryTimeoutSeconds: 30 },
    auth: { clientKeys: [CLIENT_KEY] },
    ...rest,
  };
}

/** Starts the real proxy (test/support/proxy-harness.ts) with `config`, the upstream key {@link UPSTREAM_KEY}. */
export async function startRunningProxy(config: ProxyConfigInput, env: Record<string, string> = {}): Promise<StartedProxy> {
  const started = await startTestProxy(testConfig(config), { env: { HOLYSHEEP_API_KEY: UPSTREAM_KEY, ...env } });
  return { url: started.origin, proxy: started.running, logs: started.logs, close: () => started.close() };
}
