/**
 * Plain HTTP calls for the e2e tests: one connection per request (no
 * keep-alive pool left behind), bounded by a timeout, body read as text.
 */
import { IncomingHttpHeaders, request } from 'node:http';

/** A finished HTTP exchange. */
export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Options of {@link httpCall}. */
export interface HttpInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** JSON text; sets content-type. */
  readonly body?: string;
  /** @default 5_000 */
  readonly timeoutMs?: number;
}

/** Sends one request to 127.0.0.1:`port` and reads the whole response. */
export function httpCall(port: number, path: string, init: HttpInit = {}): Promise<HttpResult> {
  const timeoutMs = init.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      method: init.method ?? 'GET',
      headers: { connection: 'close', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers ?? {}) },
      agent: false,
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${init.method ?? 'GET'} ${path} on port ${port} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}
