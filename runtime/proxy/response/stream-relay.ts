import type { OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pricedUsage } from './priced-usage';
import { rememberResponseId } from './response-ids';
import type { AttemptOutcome } from '../../events';
import type { AbortLike } from '../attempts/attempt-controller';
import { reportOutcome } from '../attempts/breaker-verdict';
import { errorCodeOf } from '../attempts/error-code';
import { AttemptAbort, classifyError } from '../attempts/failure-classifier';
import type { HeldStream } from '../attempts/stream-hold-back';
import type { Committable } from '../attempts/upstream-attempt';
import { waitDrain } from '../attempts/waits';
import type { Exchange } from '../exchange';
import type { CommitResult } from './response-commit';
import { SseEventTooLarge } from '../formats/sse-scanner';

/**
 * The life of one stream to a client: writes what was held back until the
 * first content, then relays the upstream's events as they arrive through
 * the attempt's pipeline (passed through, or translated to the client's
 * format; usage noted, the proxy's own usage chunk dropped), under the
 * stream idle timeout (paused while the client applies backpressure, which
 * is bounded by `timeouts.clientWriteSeconds`). A stream that breaks, times
 * out, sends an error event or an event over `limits.maxStreamEventBytes`,
 * or is ended by the drain after output started ends with the route's error
 * event, never a clean end; a client that stops reading has its stream ended
 * and its upstream request aborted. Registers its stop function in
 * `services.streams` while open. Returns how it ended.
 */
export async function relayStream(
  x: Exchange,
  value: Committable,
  held: HeldStream,
  rest: AsyncIterator<Buffer>,
  headers: OutgoingHttpHeaders,
  requestSignal: AbortLike,
): Promise<CommitResult> {
  const { res, ctx, config, services } = x;
  const { upstream, permit, controller } = value;
  const { pipeline } = held;
  const writeTimeoutMs = config.timeouts.clientWriteSeconds * 1000;
  let waitedMs = 0;
  let timeToFirstTokenMs: number | undefined;
  let endedBy: string | undefined;
  /** How the upstream failed after output started: the client's error code and the upstream's (undici, Node, or the idle timer's). */
  let failure: { outcome: AttemptOutcome; code: string; upstreamCode?: string } | undefined;
  const stop = (reason: string): void => {
    if (endedBy) return;
    endedBy = reason;
    controller.abort(new AttemptAbort('shutdown', reason));
  };
  const onClientGone = (): void => {
    if (!endedBy) endedBy = 'client';
    controller.abort(requestSignal.reason ?? new AttemptAbort('client', 'client disconnected'));
  };
  requestSignal.addEventListener('abort', onClientGone, { once: true });
  if (requestSignal.aborted) onClientGone();
  services.streams.add(stop);
  services.events.streamOpened();
  // The idle timer: one timeout for the whole stream that, when it fires, looks at when the upstream
  // last sent something and waits out the rest. Resetting a timer on every chunk (clearTimeout +
  // setTimeout) was the relay's largest own cost per chunk (issue 12's profile); noting the time is not.
  const idleMs = config.timeouts.streamIdleSeconds * 1000;
  let lastActivity = performance.now();
  /** True while waiting on a client that stopped reading: that is not the upstream's silence. */
  let waitingOnClient = false;
  let idle: NodeJS.Timeout | undefined;
  const onIdleTimer = (): void => {
    const quiet = performance.now() - lastActivity;
    if (waitingOnClient || quiet < idleMs) {
      idle = setTimeout(onIdleTimer, waitingOnClient ? idleMs : idleMs - quiet);
      return;
    }
    if (!endedBy) endedBy = 'idle';
    controller.abort(new AttemptAbort('timeout', 'stream idle timeout'));
  };
  const armIdle = (): void => {
    lastActivity = performance.now();
    idle ??= setTimeout(onIdleTimer, idleMs);
  };
  /** A write the client did not take at once: false when it did not drain within the write timeout. */
  const waitForClient = async (): Promise<boolean> => {
    waitingOnClient = true;
    const drained = await waitDrain(res, requestSignal, writeTimeoutMs);
    waitingOnClient = false;
    if (!drained && !endedBy) {
      endedBy = 'client_write_timeout';
      controller.abort(new AttemptAbort('client', 'the client stopped reading'));
      return false;
    }
    armIdle();
    return true;
  };
  /** Writes to the client; false when a client that stopped reading did not drain within the write timeout. */
  const write = (text: string): boolean | Promise<boolean> => (text.length === 0 || res.write(text) ? true : waitForClient());
  let outcome: AttemptOutcome = 'success';
  /** Set while the socket is held corked for the upstream's end (see {@link holdForEnd}). */
  let heldForEnd: NodeJS.Immediate | undefined;
  /**
   * The end event is in: the upstream's own end usually follows in the same
   * read. Holding the socket corked until then sends the last events and the
   * response's end in one write instead of two (a write(2) is ~15 µs of a
   * stream's CPU, issue 12's profile); the next turn of the event loop sends
   * them anyway, so an upstream that stays open after its end event delays
   * nothing.
   */
  const holdForEnd = (): void => {
    if (heldForEnd !== undefined) return;
    res.cork();
    heldForEnd = setImmediate(() => res.uncork());
  };
  try {
    headers['cache-control'] = headers['cache-control'] ?? 'no-cache';
    res.writeHead(200, headers);
    timeToFirstTokenMs = performance.now() - ctx.receivedAt;
    const noted = pipeline.responseId;
    if (noted !== undefined) rememberResponseId(x, noted, upstream.name);
    armIdle();
    if (pipeline.terminal || held.ended) holdForEnd();
    let open: boolean = await write(held.held);
    while (open && !held.ended) {
      // time spent waiting on the upstream during the relay is upstream time, not proxy overhead
      const waitStart = performance.now();
      const step = await rest.next();
      waitedMs += performance.now() - waitStart;
      if (step.done) {
        open = await write(pipeline.finish());
        break;
      }
      armIdle();
      const text = pipeline.push(step.value);
      if (pipeline.terminal) holdForEnd();
      const wrote = write(text);
      // the common case (the client took the bytes) needs no await
      open = wrote === true ? true : await wrote;
    }
    if (endedBy === 'client_write_timeout') {
      outcome = 'aborted';
    } else if (pipeline.upstreamError !== undefined) {
      // the error event itself went out (in the client's format)
      failure = { outcome: 'server_error', code: 'upstream_stream_error' };
      outcome = 'server_error';
    } else if (!pipeline.terminal && !endedBy) {
      outcome = 'connection_error';
      failure = { outcome, code: 'upstream_stream_incomplete' };
      await write(pipeline.errorFrame('upstream_stream_incomplete', `the stream from ${upstream.name} ended before its end event`));
    }
  } catch (error) {
    if (endedBy === 'client' || endedBy === 'client_write_timeout') {
      outcome = 'aborted';
    } else if (endedBy && endedBy !== 'idle') {
      outcome = 'aborted';
      if (!res.writableEnded) res.write(pipeline.errorFrame('server_shutting_down', `the stream was ended by the proxy: ${endedBy}`));
    } else if (error instanceof SseEventTooLarge) {
      outcome = 'server_error';
      failure = { outcome, code: 'upstream_event_too_large' };
      controller.abort(new AttemptAbort('shutdown', 'stream event too large'));
      if (!res.writableEnded && !res.destroyed) res.write(pipeline.errorFrame('upstream_event_too_large', error.message));
    } else {
      outcome = classifyError(error, controller.signal.reason);
      failure = {
        outcome,
        code: outcome === 'timeout' ? 'upstream_timeout' : 'upstream_stream_broken',
        upstreamCode: errorCodeOf(error, controller.signal.reason),
      };
      if (!res.writableEnded && !res.destroyed) {
        res.write(pipeline.errorFrame(failure.code, `the stream from ${upstream.name} broke after output started (${outcome})`));
      }
    }
  } finally {
    // res.end() below uncorks whatever is held (one write with the end)
    if (heldForEnd !== undefined) clearImmediate(heldForEnd);
    clearTimeout(idle);
    requestSignal.removeEventListener('abort', onClientGone);
    services.streams.delete(stop);
    services.events.streamClosed();
    if (endedBy === 'client_write_timeout') res.destroy();
    else if (!res.writableEnded && !res.destroyed) res.end();
    reportOutcome(upstream, permit, outcome, services.now());
  }
  const usage = pipeline.usage;
  const priced = usage ? pricedUsage(x, usage) : {};
  // the client left mid-stream (or stopped reading): not a success (nginx's 499)
  const clientEnded = endedBy === 'client' || endedBy === 'client_write_timeout';
  const status = clientEnded ? 499 : value.response.statusCode;
  const errorCode = failure?.code ?? (endedBy === 'client_write_timeout' ? 'client_write_timeout' : endedBy === 'client' ? 'client_closed_request' : undefined);
  const redactions = pipeline.redactions > 0 ? pipeline.redactions : undefined;
  const upstreamFailure = failure ? { outcome: failure.outcome, code: failure.upstreamCode } : undefined;
  return { status, errorCode, upstream: upstream.name, timeToFirstTokenMs, waitedMs, redactions, upstreamFailure, ...priced };
}
