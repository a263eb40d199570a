import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { NO_EVENTS, combineEvents, type ProxyEvents } from '../../runtime/events';
import { startMockUpstream, type MockUpstream, type MockUpstreamOptions } from '../../runtime/mock/mock-upstream';
import { ProxyEngine, type ProxyEngineOptions } from '../../runtime/proxy/proxy-engine';
import type { RunningProxy } from '../../runtime/server/start-proxy';
import { startProxy } from '../../runtime/start-proxy';
import { parseProxyConfig, type ProxyConfig, type ProxyConfigInput } from '../../src/contract';

/** Every event the engine emitted, by kind, for assertions. */
export interface RecordedEvents {
  readonly all: { readonly kind: keyof ProxyEvents; readonly event: unknown }[];
  of<K extends keyof ProxyEvents>(kind: K): Parameters<ProxyEvents[K]>[0][];
}

/** Builds a sink that records every event. */
export function recordEvents(): { sink: ProxyEvents; recorded: RecordedEvents } {
  const all: { kind: keyof ProxyEvents; event: unknown }[] = [];
  const push = (kind: keyof ProxyEvents) => (event?: unknown) => {
    all.push({ kind, event });
  };
  const sink: ProxyEvents = {
    requestStarted: push('requestStarted'),
    attemptFinished: push('attemptFinished'),
    failover: push('failover'),
    retryBudgetRejected: push('retryBudgetRejected'),
    breakerTransition: push('breakerTransition'),
    streamOpened: push('streamOpened'),
    streamClosed: push('streamClosed'),
    requestFinished: push('requestFinished'),
  };
  return {
    sink,
    recorded: {
      all,
      of: <K extends keyof ProxyEvents>(kind: K) => all.filter((e) => e.kind === kind).map((e) => e.event as Parameters<ProxyEvents[K]>[0]),
    },
  };
}

/** Parses a config input or throws with the field errors. */
export function testConfig(input: ProxyConfigInput): ProxyConfig {
  const parsed = parseProxyConfig(input);
  if (!parsed.ok) throw new Error(`bad test config: ${parsed.errors.join('; ')}`);
  return parsed.config;
}

/** The whole proxy (app server, real engine, metrics port) on 127.0.0.1:0, as tests drive it. */
export interface TestProxy {
  /** `http://127.0.0.1:<port>` of the main port. */
  readonly origin: string;
  /** `http://127.0.0.1:<port>` of the metrics port. */
  readonly metricsUrl: string;
  readonly engine: ProxyEngine;
  /** Every event the engine emitted. */
  readonly events: RecordedEvents;
  /** The running proxy (usage, metrics, reload, drain). */
  readonly running: RunningProxy;
  /** The config file it was started from (rewrite it and call `running.reloadConfig()`). */
  readonly configPath: string;
  /** The JSON log lines written so far. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** What a test may set besides the config: env, and the engine's clock, jitter source and logger. */
export interface TestProxyOptions extends Partial<Pick<ProxyEngineOptions, 'now' | 'random' | 'logger' | 'events'>> {
  /** Env of the proxy; `HOLYSHEEP_API_KEY` is set to a test key unless given. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The one start-proxy harness: writes `config` (a parsed config, or YAML
 * text) to a temp file and starts the proxy as `main.ts` does — the app
 * server in front of the real `ProxyEngine` — on 127.0.0.1:0, logs captured.
 */
export async function startTestProxy(config: ProxyConfig | string, options: TestProxyOptions = {}): Promise<TestProxy> {
  const { sink, recorded } = recordEvents();
  const dir = mkdtempSync(join(tmpdir(), 'proxy-test-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, typeof config === 'string' ? config : JSON.stringify(config));
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  let engine: ProxyEngine | undefined;
  let running: RunningProxy;
  try {
    running = await startProxy({
      env: { HOLYSHEEP_API_KEY: 'sk-upstream-test', ...options.env },
      configPath,
      host: '127.0.0.1',
      port: 0,
      metricsPort: 0,
      configPollMs: 60_000,
      logDestination,
      createEngine: (engineOptions) => (engine = new ProxyEngine({
        ...engineOptions,
        now: options.now,
        random: options.random,
        logger: options.logger ?? engineOptions.logger,
        events: combineEvents(engineOptions.events ?? NO_EVENTS, options.events ?? sink),
      })),
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    origin: running.url,
    metricsUrl: running.metricsUrl,
    engine: engine!,
    events: recorded,
    running,
    configPath,
    logs,
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `count` mocks named primary, backup_1, ... */
export async function startMocks(count: number, options: MockUpstreamOptions = {}): Promise<MockUpstream[]> {
  const mocks: MockUpstream[] = [];
  for (let i = 0; i < count; i++) {
    mocks.push(await startMockUpstream({ ...options, name: i === 0 ? 'primary' : `backup_${i}` }));
  }
  return mocks;
}

/** Config input with the mocks as upstreams (priority = index) and fast test timeouts. */
export function configFor(mocks: readonly MockUpstream[], overrides: Partial<ProxyConfigInput> = {}): ProxyConfig {
  return testConfig({
    upstreams: mocks.map((m, i) => ({ name: m.name, baseUrl: m.url, priority: i })),
    retries: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5 },
    timeouts: { connectSeconds: 1, requestSeconds: 0.3, deadlineSeconds: 5, firstTokenSeconds: 0.5, streamIdleSeconds: 1 },
    circuitBreaker: { failureThreshold: 3, recoveryTimeoutSeconds: 30 },
    ...overrides,
  });
}

/** What {@link postJson} returns. */
export interface JsonReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json(): any;
}

/** POSTs JSON to the proxy with fetch (undici); returns status, headers and text. */
export async function postJson(origin: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonReply> {
  const response = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': 'Bearer client-key-123', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}
