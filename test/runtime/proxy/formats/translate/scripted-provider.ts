import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a scripted provider received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
}

/** How a scripted provider answers one request. */
export type ProviderScript = (req: ReceivedRequest, res: ServerResponse) => void;

/** A loopback provider whose answers a test writes by hand (the exact bytes of a real provider's answer). */
export interface ScriptedProvider {
  /** Base URL with `/v1`, as a provider's `baseUrl` is configured. */
  readonly baseUrl: string;
  readonly received: ReceivedRequest[];
  script: ProviderScript;
  close(): Promise<void>;
}

/** Starts a provider on 127.0.0.1:0 answering with `script` (changeable later). */
export async function startScriptedProvider(script: ProviderScript): Promise<ScriptedProvider> {
  const sockets = new Set<Socket>();
  const received: ReceivedRequest[] = [];
  const provider = { received, script } as { received: ReceivedRequest[]; script: ProviderScript };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
      received.push(request);
      provider.script(request, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(provider, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** Answers JSON with a status. */
export function json(status: number, body: unknown): ProviderScript {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
}

/** Streams an SSE text in pieces of `pieceBytes` (split anywhere, as TCP does), then ends. */
export function sse(text: string, pieceBytes = 97): ProviderScript {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += pieceBytes) res.write(bytes.subarray(at, at + pieceBytes));
    res.end();
  };
}

/** Sends the opening events of a stream (no content yet), then breaks the connection. */
export function openingThenBreak(opening: string): ProviderScript {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(opening, () => setImmediate(() => res.socket?.destroy()));
  };
}
