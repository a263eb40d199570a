import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleMockControl } from './mock-control';
import { openAiError, type MockRoute, type MockSseEvent } from './mock-reply';
import { findMockRoute, MOCK_ROUTES, pathServed } from './mock-routes';
import { PromptCache } from './openai-usage';

export { mockTokens } from './openai-usage';

/** OpenAI error body for a fault or a bad request (`param` null). */
function openAiErrorBody(status: number, message: string, code: string): unknown {
  return openAiError(status, message, code);
}

/** How a mock upstream answers, switchable at run time. */
export type MockMode =
  | { readonly kind: 'ok' }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number; readonly body?: unknown }
  | { readonly kind: 'reset' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'slow-stream'; readonly chunkDelayMs: number }
  | { readonly kind: 'broken-stream'; readonly afterChunks: number }
  /** Streams: headers go out, then silence before the first chunk (reset after `ms`, or never). */
  | { readonly kind: 'stream-stall'; readonly resetAfterMs?: number }
  /** Streams: headers go out, then the response ends cleanly without a single chunk. */
  | { readonly kind: 'empty-stream' };

/** One request a mock received. */
export interface MockRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Options of {@link startMockUpstream}. */
export interface MockUpstreamOptions {
  /** Name echoed in responses (`x-mock-upstream`, `system_fingerprint`). @default 'mock' */
  readonly name?: string;
  /** Only loopback. @default '127.0.0.1' */
  readonly host?: '127.0.0.1';
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Models listed by `GET /models`. @default ['gpt-4.1', 'claude-sonnet-4.5', 'gemini-2.5-flash', 'deepseek-v3.2'] */
  readonly models?: readonly string[];
  /** Most requests kept in `received`. @default 100 */
  readonly keepRequests?: number;
  /** Routes served. @default MOCK_ROUTES (the OpenAI-compatible API) */
  readonly routes?: readonly MockRoute[];
  /**
   * Embedding length when the request sets no `dimensions` and names no
   * OpenAI embedding model (`text-embedding-3-small` 1536, `-3-large` 3072, `ada-002` 1536).
   * @default 3
   */
  readonly embeddingDimensions?: number;
}

/** A running fault-injecting OpenAI-compatible mock. */
export interface MockUpstream {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  readonly name: string;
  readonly port: number;
  /** Current mode. */
  readonly mode: MockMode;
  /** Requests received (every path). */
  readonly requests: number;
  /** The last requests received (bounded). */
  readonly received: readonly MockRequest[];
  /** Requests whose connection closed before the mock finished answering. */
  readonly aborted: number;
  /** Switches how the next requests are answered. */
  setMode(mode: MockMode): void;
  /** Back to mode `ok`, counters zero. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['gpt-4.1', 'claude-sonnet-4.5', 'gemini-2.5-flash', 'deepseek-v3.2'];

/** Starts a mock upstream on 127.0.0.1. */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const name = options.name ?? 'mock';
  const models = options.models ?? DEFAULT_MODELS;
  const keep = options.keepRequests ?? 100;
  const routes = options.routes ?? MOCK_ROUTES;
  const embeddingDimensions = options.embeddingDimensions ?? 3;
  const promptCache = new PromptCache();
  let mode: MockMode = { kind: 'ok' };
  let requests = 0;
  let aborted = 0;
  const received: MockRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const control = { name, get mode() { return mode; }, get requests() { return requests; }, setMode: (next: MockMode) => { mode = next; } };
      if (handleMockControl(req, res, body, control)) return;
      requests += 1;
      received.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });
      if (received.length > keep) received.shift();
      res.on('close', () => {
        if (!res.writableFinished) aborted += 1;
      });
      answer(req, res, body, mode, requests);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  /** Applies the fault mode, then lets the route answer. */
  function answer(req: IncomingMessage, res: ServerResponse, raw: string, current: MockMode, requestNumber: number): void {
    res.setHeader('x-mock-upstream', name);
    const method = req.method ?? 'GET';
    const path = (req.url ?? '').split('?')[0].replace(/^\/v1(?=\/|$)/, '');
    const route = findMockRoute(routes, method, path);
    const errorBody = (status: number, message: string, code: string): unknown => (route?.errorBody ?? openAiErrorBody)(status, message, code);
    switch (current.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'status': {
        if (current.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(current.retryAfterSeconds));
        json(res, current.status, current.body ?? errorBody(current.status, `mock ${name} answers ${current.status}`, `mock_${current.status}`));
        return;
      }
      case 'latency':
        later(current.ms, () => answer(req, res, raw, { kind: 'ok' }, requestNumber));
        return;
      default:
        break;
    }
    if (route === undefined) {
      const status = pathServed(routes, path) ? 405 : 404;
      json(res, status, openAiErrorBody(status, status === 405 ? `${path} does not accept ${method}` : `no route ${method} ${path}`, status === 405 ? 'method_not_allowed' : 'not_found'));
      return;
    }
    let body: Record<string, unknown> = {};
    if (route.readsJson) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        json(res, 400, errorBody(400, 'invalid JSON', 'invalid_json'));
        return;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        json(res, 400, errorBody(400, `the body must be a JSON object (received ${raw.slice(0, 40)})`, 'invalid_json'));
        return;
      }
      body = parsed as Record<string, unknown>;
    }
    const reply = route.answer({ method, path, headers: req.headers, body, mock: { name, models, requestNumber, promptCache, embeddingDimensions } });
    if (reply.kind === 'json') {
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      json(res, reply.status, reply.body);
      return;
    }
    stream(req, res, reply.events, current);
  }

  /** Writes SSE events, with the stream fault modes applied. */
  function stream(req: IncomingMessage, res: ServerResponse, events: readonly MockSseEvent[], current: MockMode): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (current.kind === 'empty-stream') {
      res.end();
      return;
    }
    if (current.kind === 'stream-stall') {
      res.flushHeaders();
      if (current.resetAfterMs !== undefined) later(current.resetAfterMs, () => req.socket.destroy());
      return;
    }
    const delay = current.kind === 'slow-stream' ? current.chunkDelayMs : 0;
    const breakAfter = current.kind === 'broken-stream' ? current.afterChunks : Number.POSITIVE_INFINITY;
    let i = 0;
    const step = (): void => {
      if (res.destroyed) return;
      if (i >= breakAfter) {
        req.socket.destroy();
        return;
      }
      if (i >= events.length) {
        res.end();
        return;
      }
      const { event, data } = events[i];
      res.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`);
      i += 1;
      if (delay > 0) later(delay, step);
      else setImmediate(step);
    };
    step();
  }

  function json(res: ServerResponse, status: number, value: unknown): void {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    name,
    port,
    get mode() {
      return mode;
    },
    setMode(next: MockMode) {
      mode = next;
    },
    get requests() {
      return requests;
    },
    get received() {
      return received;
    },
    get aborted() {
      return aborted;
    },
    reset() {
      mode = { kind: 'ok' };
      promptCache.clear();
      requests = 0;
      aborted = 0;
      received.length = 0;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
