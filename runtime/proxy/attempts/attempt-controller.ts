import { EventEmitter } from 'node:events';

/** What the attempts read of a signal: an `AbortSignal` has it, and so has {@link AttemptSignal}. */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * The abort signal of a request or of one upstream attempt, in the form
 * undici documents besides `AbortSignal`: an EventEmitter with `aborted` and
 * `reason` that emits `abort` once; `addEventListener` and
 * `removeEventListener` as an AbortSignal's, for `abort` only.
 */
export class AttemptSignal extends EventEmitter implements AbortLike {
  public aborted = false;
  public reason: unknown = undefined;

  public addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void {
    if (options?.once) this.once(type, listener);
    else this.on(type, listener);
  }

  public removeEventListener(type: 'abort', listener: () => void): void {
    this.off(type, listener);
  }
}

/**
 * What an `AbortController` is to a request and to each of its upstream
 * attempts (`abort(reason)`, `signal.aborted`, `signal.reason`), without one:
 * Node 20 takes ~10 µs to create an `AbortSignal` (an EventTarget), an
 * EventEmitter ~1 µs, and every request made two (issue 12's profile:
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
