import type { IncomingMessage } from 'node:http';
import type { BufferLease } from '../response/buffer-budget';

/** Result of {@link readBoundedBody}. */
export type BodyReadResult =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: 'too_large'; readonly received: number }
  /** The pod's request body budget (`limits.maxBufferedRequestBytes`) had no room for the next chunk. */
  | { readonly ok: false; readonly reason: 'over_budget'; readonly received: number }
  | { readonly ok: false; readonly reason: 'aborted' };

/**
 * Buffers a request body of at most `maxBytes` so it can be replayed on
 * failover; stops reading once the limit is passed. (A `Content-Length`
 * over the limit is the server's to refuse before the engine is asked.)
 * With a `lease`, every chunk is taken from the pod's request body budget
 * as it arrives; a chunk that does not fit stops the read (`over_budget`).
 */
export function readBoundedBody(req: IncomingMessage, maxBytes: number, lease?: BufferLease): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyReadResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.resume();
        finish({ ok: false, reason: 'too_large', received: size });
        return;
      }
      if (lease !== undefined && !lease.grow(chunk.length)) {
        req.resume();
        finish({ ok: false, reason: 'over_budget', received: size });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = (): void => finish({ ok: false, reason: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) finish({ ok: false, reason: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    if (req.readableEnded) onEnd();
  });
}
