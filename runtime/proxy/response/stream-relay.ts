import type { OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { priceUsage } from '../../core';
import type { AttemptOutcome } from '../../events';
import { reportOutcome } from '../attempts/breaker-verdict';
import type { Exchange } from '../exchange';
import type { CommitResult } from './response-commit';
import { AttemptAbort, classifyError } from '../attempts/failure-classifier';
import type { Committable } from '../attempts/upstream-attempt';
import { waitDrain } from '../attempts/waits';

/**
 * The life of one stream to a client: relays the upstream's SSE events as
 * they arrive (usage noted, the proxy's own usage chunk dropped), under the
 * stream idle timeout (paused while the client applies backpressure). A
 * stream that breaks, times out or is ended by the drain after output
 * started ends with the format's error event, never a clean end. Registers
 * its stop function in `services.streams` while open. Returns how it ended.
 */
export async function relayStream(
  x: Exchange,
  value: Committable,
  first: Buffer,
  rest: AsyncIterator<Buffer>,
  headers: OutgoingHttpHeaders,
  requestSignal: AbortSignal,
): Promise<CommitResult> {
  const { res, ctx, config, services, route } = x;
  const { upstream, permit, controller } = value;
  const filter = route.format.streamFilter(value.stripUsage);
  const errorEvent = route.format.streamErrorEvent;
  let waitedMs = 0;
  let timeToFirstTokenMs: number | undefined;
  let endedBy: string | undefined;
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
  let idle: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (!endedBy) endedBy = 'idle';
      controller.abort(new AttemptAbort('timeout', 'stream idle timeout'));
    }, config.timeouts.streamIdleSeconds * 1000);
  };
  let outcome: AttemptOutcome = 'success';
  try {
    headers['cache-control'] = headers['cache-control'] ?? 'no-cache';
    res.writeHead(200, headers);
    timeToFirstTokenMs = performance.now() - ctx.receivedAt;
    const firstOut = filter.push(first);
    if (firstOut) res.write(firstOut);
    armIdle();
    for (;;) {
      // time spent waiting on the upstream during the relay is upstream time, not proxy overhead
      const waitStart = performance.now();
      const step = await rest.next();
      waitedMs += performance.now() - waitStart;
      if (step.done) break;
      armIdle();
      const out = filter.push(step.value);
      if (out && !res.write(out)) {
        // a slow-reading client is not the upstream's silence: no idle timer while waiting on it
        clearTimeout(idle);
        await waitDrain(res, requestSignal);
        armIdle();
      }
    }
    const tail = filter.flush();
    if (tail) res.write(tail);
    if (!filter.ended && !endedBy) {
      outcome = 'connection_error';
      res.write(errorEvent('upstream_stream_incomplete', `the stream from ${upstream.name} ended before [DONE]`));
    }
  } catch (error) {
    if (endedBy === 'client') {
      outcome = 'aborted';
    } else if (endedBy && endedBy !== 'idle') {
      outcome = 'aborted';
      if (!res.writableEnded) res.write(errorEvent('server_shutting_down', `the stream was ended by the proxy: ${endedBy}`));
    } else {
      outcome = classifyError(error, controller.signal.reason);
      if (!res.writableEnded && !res.destroyed) {
        res.write(errorEvent(outcome === 'timeout' ? 'upstream_timeout' : 'upstream_stream_broken', `the stream from ${upstream.name} broke after output started (${outcome})`));
      }
    }
  } finally {
    clearTimeout(idle);
    requestSignal.removeEventListener('abort', onClientGone);
    services.streams.delete(stop);
    services.events.streamClosed();
    if (!res.writableEnded && !res.destroyed) res.end();
    reportOutcome(upstream, permit, outcome, services.now());
  }
  const usage = filter.usage;
  const priced = usage ? { usage, costUsd: priceUsage(config.pricing, x.model, usage.promptTokens, usage.completionTokens) } : {};
  // the client left mid-stream: not a success (nginx's 499)
  const status = endedBy === 'client' ? 499 : value.response.statusCode;
  const errorCode = outcome !== 'success' && outcome !== 'aborted'
    ? (outcome === 'timeout' ? 'upstream_timeout' : 'upstream_stream_broken')
    : endedBy === 'client' ? 'client_closed_request' : undefined;
  return { status, errorCode, upstream: upstream.name, timeToFirstTokenMs, waitedMs, ...priced };
}
