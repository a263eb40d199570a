import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { MockUpstream } from '../../runtime/mock/mock-upstream';
import { startProxy, type RunningProxy } from '../../runtime/start-proxy';
import type { ProxyConfigInput } from '../../src/contract';

/** The client key every {@link startRunningProxy} accepts. */
export const CLIENT_KEY = 'client-key-123';
/** The upstream key the proxy sends (env `HOLYSHEEP_API_KEY`). */
export const UPSTREAM_KEY = 'sk-upstream-test-key';

/** A whole proxy (server, auth, engine) started in-process on 127.0.0.1:0. */
export interface StartedProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly proxy: RunningProxy;
  /** Log lines written so far. */
  readonly logs: string[];
  close(): Promise<void>;
}

/**
 * Config with `mocks` as upstreams by priority (each `upstreams[i]` merged
 * over the default entry), fast test timeouts and one client key.
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

/** Starts the real proxy with `config` written to a temporary config.yaml (JSON is YAML). */
export async function startRunningProxy(config: ProxyConfigInput, env: Record<string, string> = {}): Promise<StartedProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'running-proxy-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, JSON.stringify(config));
  const logs: string[] = [];
  const proxy = await startProxy({
    env: { HOLYSHEEP_API_KEY: UPSTREAM_KEY, LOG_LEVEL: 'debug', ...env },
    configPath,
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    configPollMs: 60_000,
    logDestination: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  return {
    url: proxy.url,
    proxy,
    logs,
    close: async () => {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
