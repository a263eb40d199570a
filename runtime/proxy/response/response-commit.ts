import type { OutgoingHttpHeaders } from 'node:http';
import { HEADERS, PATHS } from '../../../src/contract';
import { priceUsage } from '../../core';
import { reportOutcome } from '../attempts/breaker-verdict';
import type { Exchange } from '../exchange';
import { proxyResponseHeaders } from './failover-headers';
import { classifyStatus } from '../attempts/failure-classifier';
import { clientResponseHeaders } from '../upstreams/forward-headers';
import { filterModelList } from '../upstreams/models-filter';
import { relayStream } from './stream-relay';
import { usageOfJson } from './token-usage';
import type { Committable } from '../attempts/upstream-attempt';
import { waitDrain } from '../attempts/waits';

/**
 * Sends the committed upstream response to the client with the failover
 * headers: a stream is relayed event by event; a buffered JSON body goes out
 * whole with its usage priced (`x-failover-cost-usd`); a body over the buffer
 * limit is passed through unpriced. Tells the breaker how it ended.
 */
export async function commitResponse(x: Exchange, value: Committable, requestSignal: AbortSignal): Promise<void> {
  const { res, record, services } = x;
  const { upstream, permit, response } = value;
  const status = response.statusCode;
  record.status = status;
  const headers: OutgoingHttpHeaders = { ...clientResponseHeaders(response.headers), ...proxyResponseHeaders(x.ctx, record, upstream.name) };
  if (value.first !== undefined && value.rest) {
    await relayStream(x, value, value.first, value.rest, headers, requestSignal);
    return;
  }
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
      return;
    }
    res.end();
    return;
  }
  reportOutcome(upstream, permit, classifyStatus(status), services.now());
  if (status < 300 && x.route.hasBody) {
    const usage = usageOfJson(body);
    if (usage) {
      record.usage = usage;
      record.costUsd = priceUsage(x.config.pricing, record.model, usage.promptTokens, usage.completionTokens);
      headers[HEADERS.costUsd] = formatCost(record.costUsd);
    }
  }
  if (status < 300 && x.route.route === PATHS.models) body = filterModelList(body, x.config.upstreams);
  if (status >= 400) record.errorCode = errorCodeOf(body);
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(body);
}

/** Cost as a fixed decimal string, trailing zeros trimmed, for `x-failover-cost-usd` (never `1.2e-7`). */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '0';
  return usd.toFixed(10).replace(/\.?0+$/, '') || '0';
}

/** The OpenAI `error.code` of an upstream error body, if readable and short. */
function errorCodeOf(body: Buffer): string | undefined {
  try {
    const code = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' && code.length <= 64 ? code : undefined;
  } catch {
    return undefined;
  }
}
