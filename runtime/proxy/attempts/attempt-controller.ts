import { EventEmitter } from 'node:events';

/**
 * The abort signal of one upstream attempt, in the form undici documents
 * besides `AbortSignal`: an EventEmitter with `aborted` and `reason` that
 * emits `abort` once.
 */
export class AttemptSignal extends EventEmitter {
  public aborted = false;
  public reason: unknown = undefined;
}

/**
 * What an `AbortController` is to one upstream attempt (`abort(reason)`,
 * `signal.aborted`, `signal.reason`), without one: Node 20 takes ~10 µs to
 * create an `AbortSignal` (an EventTarget), an EventEmitter ~1 µs, and every
 * request makes at least one attempt (issue 12's profile:
 * `createAbortSignal` was ~2 % of the proxy's CPU).
 */
export class AttemptController {
  public readonly signal = new AttemptSignal();

  /** Aborts once; the reason defaults to an `AbortError`, as `AbortController.abort()` gives. */
  public abort(reason?: unknown): void {
    if (this.signal.aborted) return;
    this.signal.aborted = true;
    this.signal.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.signal.emit('abort');
  }
}
