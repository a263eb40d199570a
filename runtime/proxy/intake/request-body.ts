import type { IncomingMessage } from 'node:http';

/** Result of {@link readBoundedBody}. */
export type BodyReadResult =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: 'too_large'; readonly received: number }
  | { readonly ok: false; readonly reason: 'aborted' };

/**
 * Buffers a request body of at most `maxBytes` so it can be replayed on
 * failover; stops reading once the limit is passed. (A `Content-Length`
 * over the limit is the server's to refuse before the engine is asked.)
 */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<BodyReadResult> {
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
