import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { startProxy, type RunningProxy } from '../../../runtime/start-proxy';

/** The upstream key every security test configures (what must never reach a client). */
export const UPSTREAM_KEY = 'sk-upstream-SECRET-0123456789';

/** A hand-written upstream on 127.0.0.1:0. */
export interface LoopbackUpstream {
  /** `http://127.0.0.1:<port>/v1` */
  readonly url: string;
  readonly port: number;
  /** Every request the upstream received, with its headers and body. */
  readonly received: { readonly headers: IncomingMessage['headers']; readonly body: string; readonly url: string }[];
  close(): Promise<void>;
}

/** Starts a `node:http` upstream whose answers `handler` writes (the body is read first). */
export async function startUpstream(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<LoopbackUpstream> {
  const received: { headers: IncomingMessage['headers']; body: string; url: string }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, url: req.url ?? '' });
      handler(req, res, body);
    });
  });
  return listenUpstream(server, received, sockets);
}

/** Listens `server` on 127.0.0.1:0 and wraps it as a {@link LoopbackUpstream}. */
export async function listenUpstream(
  server: Server | import('node:net').Server,
  received: LoopbackUpstream['received'] = [],
  sockets: Set<Socket> = new Set(),
): Promise<LoopbackUpstream> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A chat completion body with usage, as an OpenAI-compatible upstream answers. */
export function chatCompletion(content: string, usage = { prompt_tokens: 10, completion_tokens: 5 }): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4.1',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  });
}

/** A proxy started from a YAML config with its log lines collected. */
export interface SecuredProxy {
  readonly proxy: RunningProxy;
  /** Every JSON log line written so far. */
  readonly logs: () => Record<string, unknown>[];
  /** The Prometheus text of `/metrics`. */
  readonly metrics: () => Promise<string>;
  close(): Promise<void>;
}

/** Starts the whole proxy (server + engine) in-process from `yaml`, with the upstream key in `HOLYSHEEP_API_KEY`. */
export async function startProxyWith(yaml: string, env: Record<string, string> = {}): Promise<SecuredProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'security-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, yaml);
  const lines: string[] = [];
  const proxy = await startProxy({
    env: { HOLYSHEEP_API_KEY: UPSTREAM_KEY, ...env },
    configPath: path,
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    configPollMs: 60_000,
    logDestination: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  return {
    proxy,
    logs: () => lines.join('').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
    metrics: async () => (await fetch(`${proxy.metricsUrl}/metrics`)).text(),
    close: async () => {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * YAML of one upstream list (priority = index) with fast retries and a
 * breaker that opens on one failure, plus `extra` top-level lines (an extra
 * `retries:` or `circuitBreaker:` line replaces the default one).
 */
export function yamlFor(upstreams: readonly { name: string; url: string }[], extra: readonly string[] = []): string {
  const defaults = ['retries: {maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0}', 'circuitBreaker: {failureThreshold: 1, recoveryTimeoutSeconds: 60}'];
  const sectionOf = (line: string): string => line.split(':')[0]!;
  const replaced = new Set(extra.map(sectionOf));
  return [
    'upstreams:',
    ...upstreams.map((u, i) => `  - {name: ${u.name}, baseUrl: "${u.url}", priority: ${i}}`),
    ...defaults.filter((line) => !replaced.has(sectionOf(line))),
    ...extra,
  ].join('\n');
}

/** POSTs a chat completion with fetch. */
export function postChat(url: string, body: object = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }], ...body }),
  });
}

/** What a raw socket received until the server closed it (or `timeoutMs` passed). */
export interface RawExchange {
  readonly text: string;
  /** True when the server closed the connection within the time allowed. */
  readonly closed: boolean;
  /** ms from connect to the close (or to the timeout). */
  readonly elapsedMs: number;
}

/** Writes `payload` on a raw TCP connection and collects the answer until close. */
export function rawExchange(port: number, payload: string | Buffer, timeoutMs = 5000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('utf8'), closed, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(payload);
  });
}

/** Parses the metric value of `name{labels}` (labels as written, e.g. `reason="cl_te"`), 0 when absent. */
export function metricValue(text: string, name: string, labelPart = ''): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith('{') || rest.startsWith(' '))) continue;
    if (labelPart && !rest.includes(labelPart)) continue;
    total += Number(line.split(' ').pop());
  }
  return total;
}

/** The proxy and upstream one security test started; closed after each test by {@link useLoopbackFixture}. */
export interface LoopbackFixture {
  /** The proxy under test, if started (closed after the test, first). */
  running: SecuredProxy | undefined;
  /** The hand-written upstream, if started (closed after the proxy). */
  upstream: LoopbackUpstream | undefined;
}

/**
 * The shared setup of the security tests: registers an `afterEach` that
 * closes the proxy, then the upstream, and resets the fixture. Call once at
 * the top of a `describe`.
 */
export function useLoopbackFixture(): LoopbackFixture {
  const fixture: LoopbackFixture = { running: undefined, upstream: undefined };
  afterEach(async () => {
    await fixture.running?.close();
    await fixture.upstream?.close();
    fixture.running = undefined;
    fixture.upstream = undefined;
  });
  return fixture;
}

/** Starts, in `fx`, an upstream that answers every request with a chat completion, and a proxy over it (`extra`: see {@link yamlFor}). */
export async function startOverAnsweringUpstream(fx: LoopbackFixture, extra: readonly string[] = []): Promise<SecuredProxy> {
  fx.upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(chatCompletion('ok'));
  });
  fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }], extra));
  return fx.running;
}
