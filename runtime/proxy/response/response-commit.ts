import type { OutgoingHttpHeaders } from 'node:http';
import { proxyResponseHeaders } from './failover-headers';
import { relayStream } from './stream-relay';
import { HEADERS, PATHS } from '../../../src/contract';
import { priceUsage } from '../../core';
import type { TokenUsage } from '../../events';
import { reportOutcome } from '../attempts/breaker-verdict';
import { classifyStatus } from '../attempts/failure-classifier';
import type { Committable } from '../attempts/upstream-attempt';
import { waitDrain } from '../attempts/waits';
import type { Answer, AttemptTally, Exchange } from '../exchange';
import { clientResponseHeaders } from '../upstreams/forward-headers';
import { filterModelList } from '../upstreams/models-filter';

/** How a committed response ended, for the attempt loop to record. */
export interface CommitResult extends Answer {
  readonly upstream: string;
  readonly usage?: TokenUsage;
  readonly costUsd?: number;
  /** Streams: time to the first byte sent to the client. */
  readonly timeToFirstTokenMs?: number;
  /** Time waited on the upstream while relaying (not the proxy's overhead). */
  readonly waitedMs: number;
}

/**
 * Sends the committed upstream response to the client with the failover
 * headers: a stream is relayed event by event; a buffered JSON body goes out
 * whole with its usage priced (`x-failover-cost-usd`); a body over the buffer
 * limit is passed through unpriced. Tells the breaker how it ended.
 */
export async function commitResponse(x: Exchange, value: Committable, requestSignal: AbortSignal, tally: AttemptTally): Promise<CommitResult> {
  const { res, services, route } = x;
  const { upstream, permit, response } = value;
  const status = response.statusCode;
  const headers: OutgoingHttpHeaders = { ...clientResponseHeaders(response.headers), ...proxyResponseHeaders(x.ctx, tally, upstream.name) };
  if (value.first !== undefined && value.rest) {
    return relayStream(x, value, value.first, value.rest, headers, requestSignal);
  }
  const sent: CommitResult = { status, upstream: upstream.name, waitedMs: 0 };
  let body = value.body ?? Buffer.alloc(0);
  if (value.rest) {
    // over the buffer limit: pass the rest through unpriced
    res.writeHead(status, headers);
    res.write(body);
    try {
      for (;;) {
        const step = await value.rest.next();
        if (step.done) break;
        if (!res.write(step.value)) await waitDrain(res, requestSignal);
      }
      reportOutcome(upstream, permit, classifyStatus(status), services.now());
    } catch {
      reportOutcome(upstream, permit, requestSignal.aborted ? 'aborted' : 'connection_error', services.now());
      res.destroy();
      return sent;
    }
    res.end();
    return sent;
  }
  reportOutcome(upstream, permit, classifyStatus(status), services.now());
  let priced: Pick<CommitResult, 'usage' | 'costUsd'> = {};
  if (status < 300 && route.hasBody) {
    const usage = route.format.usageOfJson(body);
    if (usage) {
      priced = { usage, costUsd: priceUsage(x.config.pricing, x.model, usage.promptTokens, usage.completionTokens) };
      headers[HEADERS.costUsd] = formatCost(priced.costUsd!);
    }
  }
  if (status < 300 && route.route === PATHS.models) body = filterModelList(body, x.config.upstreams);
  const errorCode = status >= 400 ? route.format.errorCodeOf(body) : undefined;
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(body);
  return { ...sent, ...priced, errorCode };
}

/** Cost as a fixed decimal string, trailing zeros trimmed, for `x-failover-cost-usd` (never `1.2e-7`). */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '0';
  return usd.toFixed(10).replace(/\.?0+$/, '') || '0';
}
