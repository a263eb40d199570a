import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A loopback upstream whose every answer a test scripts (for shapes the project mock has no mode for). */
export interface ScriptedUpstream {
  /** Base URL including `/v1`. */
  readonly url: string;
  /** Requests received so far. */
  readonly requests: number;
  /** Responses whose connection closed before the script ended them (the proxy aborted them). */
  readonly aborted: number;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 that answers every request with `script` (after reading the body). */
export async function startScriptedUpstream(script: (req: IncomingMessage, res: ServerResponse) => void): Promise<ScriptedUpstream> {
  let requests = 0;
  let aborted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests += 1;
    res.on('close', () => {
      if (!res.writableFinished) aborted += 1;
    });
    req.resume();
    req.on('end', () => script(req, res));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    get aborted() {
      return aborted;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One Chat Completions chunk as an SSE event. */
export function chatChunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 0, model: 'gpt-4.1', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
}
