import type { OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { priceUsage } from '../../core';
import type { AttemptOutcome } from '../../events';
import { reportOutcome } from '../attempts/breaker-verdict';
import type { Exchange } from '../exchange';
import { AttemptAbort, classifyError } from '../attempts/failure-classifier';
import { SseUsageFilter, sseErrorEvent } from './sse-usage-filter';
import type { Committable } from '../attempts/upstream-attempt';
import { waitDrain } from '../attempts/waits';

/**
 * The life of one stream to a client: relays the upstream's SSE events as
 * they arrive (usage noted, the proxy's own usage chunk dropped), under the
 * stream idle timeout (paused while the client applies backpressure). A
 * stream that breaks, times out or is ended by the drain after output
 * started ends with an SSE error event, never a clean end. Registers its
 * stop function in `services.streams` while open.
 */
export async function relayStream(
  x: Exchange,
  value: Committable,
  first: Buffer,
  rest: AsyncIterator<Buffer>,
  headers: OutgoingHttpHeaders,
  requestSignal: AbortSignal,
): Promise<void> {
  const { res, ctx, config, record, services } = x;
  const { upstream, permit, controller } = value;
  const filter = new SseUsageFilter(value.stripUsage);
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
    record.timeToFirstTokenMs = performance.now() - ctx.receivedAt;
    const firstOut = filter.push(first);
    if (firstOut) res.write(firstOut);
    armIdle();
    for (;;) {
      // time spent waiting on the upstream during the relay is upstream time, not proxy overhead
      const waitStart = performance.now();
      const step = await rest.next();
      record.waitedMs += performance.now() - waitStart;
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
    if (!filter.sawDone && !endedBy) {
      outcome = 'connection_error';
      res.write(sseErrorEvent('upstream_stream_incomplete', `the stream from ${upstream.name} ended before [DONE]`));
    }
  } catch (error) {
    if (endedBy === 'client') {
      outcome = 'aborted';
    } else if (endedBy && endedBy !== 'idle') {
      outcome = 'aborted';
      if (!res.writableEnded) res.write(sseErrorEvent('server_shutting_down', `the stream was ended by the proxy: ${endedBy}`));
    } else {
      outcome = classifyError(error, controller.signal.reason);
      if (!res.writableEnded && !res.destroyed) {
        res.write(sseErrorEvent(outcome === 'timeout' ? 'upstream_timeout' : 'upstream_stream_broken', `the stream from ${upstream.name} broke after output started (${outcome})`));
      }
    }
  } finally {
    clearTimeout(idle);
    requestSignal.removeEventListener('abort', onClientGone);
    services.streams.delete(stop);
    services.events.streamClosed();
    if (!res.writableEnded && !res.destroyed) res.end();
    reportOutcome(upstream, permit, outcome, services.now());
    if (endedBy === 'client') {
      // the client left mid-stream: not a success (nginx's 499)
      record.status = 499;
      record.errorCode = 'client_closed_request';
    }
    if (outcome !== 'success' && outcome !== 'aborted') record.errorCode = outcome === 'timeout' ? 'upstream_timeout' : 'upstream_stream_broken';
    if (filter.usage) {
      record.usage = filter.usage;
      record.costUsd = priceUsage(config.pricing, record.model, filter.usage.promptTokens, filter.usage.completionTokens);
    }
  }
}
