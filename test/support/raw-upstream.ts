import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A hand-written upstream: its `/v1` base URL, and a close that drops open sockets. */
export interface RawUpstream {
  /** `http://127.0.0.1:<port>/v1` */
  readonly url: string;
  close(): Promise<void>;
}

/** A hand-written upstream on 127.0.0.1:0 for cases the mock does not cover. */
export async function startRawUpstream(handler: Parameters<typeof createServer>[1]): Promise<RawUpstream> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
