import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProxyEvents } from '../../runtime/events';
import { sendOpenAIError } from '../../runtime/http/openai-error';
import { startMockUpstream, type MockUpstream, type MockUpstreamOptions } from '../../runtime/mock/mock-upstream';
import { matchRoute } from '../../runtime/proxy/intake/routes';
import { ProxyEngine, type ProxyEngineOptions } from '../../runtime/proxy/proxy-engine';
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

/** A ProxyEngine behind a plain HTTP server on 127.0.0.1:0. */
export interface TestProxy {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly engine: ProxyEngine;
  readonly events: RecordedEvents;
  close(): Promise<void>;
}

/** Starts `http.createServer((req, res) => engine.handle(req, res, ctx))` on 127.0.0.1:0. */
export async function startTestProxy(config: ProxyConfig, options: Partial<Omit<ProxyEngineOptions, 'config'>> = {}): Promise<TestProxy> {
  const { sink, recorded } = recordEvents();
  const engine = new ProxyEngine({ ...options, config, env: { HOLYSHEEP_API_KEY: 'sk-upstream-test', ...options.env }, events: options.events ?? sink });
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    // the transport the app server owns, reduced to what the engine needs: a request id and a matched route
    const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID();
    res.setHeader('x-request-id', requestId);
    const route = matchRoute(req.url);
    if (!route || route.method !== req.method) {
      sendOpenAIError(res, 404, 'not_found', `no engine route for ${String(req.method)} ${String(req.url)}`);
      return;
    }
    void engine.handle(req, res, { requestId, receivedAt: performance.now(), client: '127.0.0.1', route });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    engine,
    events: recorded,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
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
