import type { ServerResponse } from 'node:http';
import type { AbortLike } from './attempt-controller';

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortLike): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Waits for `drain` (or the client going away), at most `timeoutMs`
 * (`timeouts.clientWriteSeconds`): resolves `false` when a client that
 * stopped reading did not drain in time (the caller ends the stream and
 * aborts its upstream), `true` otherwise.
 */
export function waitDrain(res: ServerResponse, signal: AbortLike, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (drained: boolean): void => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onDrain);
      signal.removeEventListener('abort', onDrain);
      resolve(drained);
    };
    const onDrain = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    res.once('drain', onDrain);
    res.once('close', onDrain);
    signal.addEventListener('abort', onDrain, { once: true });
  });
}
