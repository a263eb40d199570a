import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleMockControl } from './mock-control';

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
const STREAM_WORDS = ['Hello', ' from', ' the', ' mock', ' upstream', '.'];

/** Deterministic token count of a text (~4 characters a token, at least 1). */
export function mockTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Starts a mock upstream on 127.0.0.1. */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const name = options.name ?? 'mock';
  const models = options.models ?? DEFAULT_MODELS;
  const keep = options.keepRequests ?? 100;
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
      answer(req, res, body, mode);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function answer(req: IncomingMessage, res: ServerResponse, raw: string, current: MockMode): void {
    res.setHeader('x-mock-upstream', name);
    switch (current.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'status': {
        const body = JSON.stringify(current.body ?? { error: { message: `mock ${name} answers ${current.status}`, type: current.status >= 500 ? 'api_error' : 'invalid_request_error', code: `mock_${current.status}` } });
        if (current.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(current.retryAfterSeconds));
        res.writeHead(current.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case 'latency':
        later(current.ms, () => route(req, res, raw, { kind: 'ok' }));
        return;
      default:
        route(req, res, raw, current);
    }
  }

  function route(req: IncomingMessage, res: ServerResponse, raw: string, current: MockMode): void {
    const path = (req.url ?? '').split('?')[0].replace(/^\/v1/, '');
    if (req.method === 'GET' && path === '/models') {
      json(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: name })) });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      json(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error', code: 'invalid_json' } });
      return;
    }
    const model = typeof body.model === 'string' ? body.model : 'unknown';
    const promptTokens = mockTokens(JSON.stringify(body.messages ?? body.prompt ?? body.input ?? ''));
    if (req.method === 'POST' && path === '/embeddings') {
      json(res, 200, { object: 'list', model, data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }], usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
      return;
    }
    if (req.method !== 'POST' || (path !== '/chat/completions' && path !== '/completions')) {
      json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error', code: 'not_found' } });
      return;
    }
    const chat = path === '/chat/completions';
    const text = STREAM_WORDS.join('');
    const completionTokens = STREAM_WORDS.length;
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const id = `mock-${name}-${requests}`;
    if (body.stream !== true) {
      json(res, 200, chat
        ? { id, object: 'chat.completion', created: 0, model, system_fingerprint: name, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }], usage }
        : { id, object: 'text_completion', created: 0, model, choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }], usage });
      return;
    }
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const events: string[] = STREAM_WORDS.map((word, i) => JSON.stringify(chat
      ? { id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: word } : { content: word }, finish_reason: i === STREAM_WORDS.length - 1 ? 'stop' : null }] }
      : { id, object: 'text_completion', created: 0, model, choices: [{ index: 0, text: word, finish_reason: i === STREAM_WORDS.length - 1 ? 'stop' : null }] }));
    if (includeUsage) {
      events.push(JSON.stringify({ id, object: chat ? 'chat.completion.chunk' : 'text_completion', created: 0, model, choices: [], usage }));
    }
    events.push('[DONE]');
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
      res.write(`data: ${events[i]}\n\n`);
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
