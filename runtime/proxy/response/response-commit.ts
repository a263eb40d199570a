import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { BufferLease } from './buffer-budget';
import { setProxyResponseHeaders } from './failover-headers';
import { pricedUsage } from './priced-usage';
import { rememberResponseId, responseIdOfAnswer } from './response-ids';
import { relayStream } from './stream-relay';
import { HEADERS, PATHS } from '../../../src/contract';
import type { AttemptOutcome, TokenUsage, UnbufferedReason } from '../../events';
import type { AbortLike } from '../attempts/attempt-controller';
import { reportOutcome } from '../attempts/breaker-verdict';
import { errorCodeOf } from '../attempts/error-code';
import { classifyStatus } from '../attempts/failure-classifier';
import type { Committable } from '../attempts/upstream-attempt';
import { waitDrain } from '../attempts/waits';
import type { Answer, AttemptTally, Exchange } from '../exchange';
import { readUpstreamError } from '../formats/error-shapes';
import { usageOfAnswer } from '../formats/usage';
import { routeIdOf } from '../intake/routes';
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
  /** Secrets removed from the response's headers and its buffered body or stream events. */
  readonly redactions?: number;
  /** Why the body went through unbuffered (unpriced), when it did. */
  readonly unbuffered?: UnbufferedReason;
  /** Streams and unbuffered bodies: how the upstream failed after output started (a break, the idle timer, an error event, no end event). */
  readonly upstreamFailure?: { readonly outcome: AttemptOutcome; readonly code?: string };
}

/**
 * Sends the committed upstream response to the client with the failover
 * headers: a stream is relayed event by event; a buffered JSON body goes out
 * whole (translated to the client's format when the upstream speaks another
 * one) with its usage priced (`x-failover-cost-usd`); a body over the buffer
 * limit is passed through unpriced. Responses API ids are remembered with
 * the upstream that created them. Tells the breaker how it ended.
 */
export function commitResponse(x: Exchange, value: Committable, requestSignal: AbortLike, tally: AttemptTally): CommitResult | Promise<CommitResult> {
  const { res, services, route } = x;
  const { upstream, permit, response, plan } = value;
  const status = response.statusCode;
  // the upstream's headers, then the failover headers written into the same (fresh) object: no spread copies
  const headers: OutgoingHttpHeaders = setProxyResponseHeaders(clientResponseHeaders(response.headers), x.ctx, tally, upstream.name);
  if (value.contentEncoding !== undefined) headers['content-encoding'] = value.contentEncoding;
  // an upstream that quotes the Authorization it received must not hand the proxy's key to every caller
  const headerRedactions = services.redactor().redactHeaders(headers);
  if (value.lease) releaseWhenDone(res, value.lease);
  if (value.stream && value.rest) {
    const relayed = relayStream(x, value, value.stream, value.rest, headers, requestSignal);
    return headerRedactions > 0 ? relayed.then((streamed) => ({ ...streamed, redactions: headerRedactions + (streamed.redactions ?? 0) })) : relayed;
  }
  const sent: CommitResult = {
    status,
    upstream: upstream.name,
    waitedMs: 0,
    redactions: headerRedactions || undefined,
    unbuffered: value.unbuffered,
    usage: undefined,
    costUsd: undefined,
    errorCode: undefined,
  };
  let body = value.body ?? Buffer.alloc(0);
  if (value.rest && plan.translator) {
    // an answer in another API's shape cannot be passed through: the client's SDK could not read it
    value.controller.abort();
    reportOutcome(upstream, permit, 'aborted', services.now());
    const reason = value.unbuffered === 'buffer_budget' ? 'the proxy\'s response buffer budget is in use' : `it exceeds limits.maxResponseBytes (${x.config.limits.maxResponseBytes})`;
    const message = `the answer of ${upstream.name} must be translated to this API but cannot be buffered: ${reason}`;
    const refused = Buffer.from(JSON.stringify(route.format.errorBody(502, 'response_too_large_to_translate', message)));
    headers['content-type'] = 'application/json';
    return writeBody(x, 502, headers, refused, { ...sent, status: 502, errorCode: 'response_too_large_to_translate' });
  }
  if (value.rest) return passThroughRest(x, value, value.rest, headers, body, sent, requestSignal);
  // a whole buffered body: answered without a promise (the common case; an await per request costs a microtask turn)
  reportOutcome(upstream, permit, classifyStatus(status), services.now());
  let priced: Pick<CommitResult, 'usage' | 'costUsd'> | undefined;
  let errorCode: string | undefined;
  if (status < 300 && (route.hasBody || plan.translator || route.format.api === 'responses')) {
    const json = parseJson(body);
    const usage = route.hasBody && json !== undefined ? usageOfAnswer(plan.wire, json) : undefined;
    if (usage) {
      priced = pricedUsage(x, usage);
      headers[HEADERS.costUsd] = formatCost(priced.costUsd ?? 0);
    }
    const id = responseIdOfAnswer(json);
    if (id !== undefined && route.method !== 'DELETE') rememberResponseId(x, id, upstream.name);
    if (route.method === 'DELETE') {
      const deleted = routeIdOf(route, x.req.url);
      if (deleted !== undefined) services.affinity.forget(deleted);
    }
    if (plan.translator && json !== undefined && typeof json === 'object' && json !== null) {
      try {
        body = Buffer.from(JSON.stringify(plan.translator.response(json as Record<string, unknown>, { model: x.model, includeUsage: false })));
        headers['content-type'] = 'application/json';
      } catch (error) {
        // an answer the client's format cannot express: an error in the client's shape, never a half-translated body
        const message = `the answer of ${upstream.name} cannot be expressed in this API: ${(error as Error).message}`.slice(0, 500);
        body = Buffer.from(JSON.stringify(route.format.errorBody(502, 'untranslatable_response', message)));
        headers['content-type'] = 'application/json';
        return writeBody(x, 502, headers, body, { ...sent, status: 502, errorCode: 'untranslatable_response', ...(priced ?? {}) });
      }
    }
  }
  if (status < 300 && route.route === PATHS.models) body = filterModelList(body, x.config.upstreams);
  if (status >= 400) {
    const upstreamError = readUpstreamError(body);
    errorCode = upstreamError.code ?? route.format.errorCodeOf(body);
    if (plan.translator) {
      // the upstream's error in the client's shape (same status), so the client's SDK reads it
      body = Buffer.from(JSON.stringify(route.format.errorBody(status, errorCode ?? 'upstream_error', upstreamError.message ?? `${upstream.name} answered ${status}`)));
      headers['content-type'] = 'application/json';
    }
  }
  // one object of the same shape as `sent` (the common path: no spreads)
  const result: CommitResult = {
    status,
    upstream: sent.upstream,
    waitedMs: 0,
    redactions: sent.redactions,
    unbuffered: sent.unbuffered,
    usage: priced?.usage,
    costUsd: priced?.costUsd,
    errorCode,
  };
  return writeBody(x, status, headers, body, result);
}

/**
 * A JSON body over the buffer limit or the pod's buffer budget: what was
 * read, then the rest as it comes, unpriced and untranslated (too big to
 * rewrite); every chunk redacted.
 */
async function passThroughRest(
  x: Exchange,
  value: Committable,
  rest: AsyncIterator<Buffer>,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  sent: CommitResult,
  requestSignal: AbortLike,
): Promise<CommitResult> {
  const { res, services } = x;
  const { upstream, permit } = value;
  const status = value.response.statusCode;
  // over the buffer limit or the pod's buffer budget: pass the rest through unpriced (untranslated: too big to rewrite)
  res.writeHead(status, headers);
  // every chunk is redacted, a secret split across chunks included (the redactor holds back a secret's length)
  const redactor = services.redactor();
  const chunks = redactor.empty ? undefined : redactor.chunkRedactor();
  const counted = (): CommitResult => (chunks && chunks.count > 0 ? { ...sent, redactions: (sent.redactions ?? 0) + chunks.count } : sent);
  res.write(chunks ? chunks.push(body) : body);
  try {
    for (;;) {
      const step = await rest.next();
      if (step.done) break;
      const out = chunks ? chunks.push(step.value) : step.value;
      if (!res.write(out) && !(await waitDrain(res, requestSignal, x.config.timeouts.clientWriteSeconds * 1000))) {
        // a client that stopped reading: end it and free the upstream
        value.controller.abort();
        reportOutcome(upstream, permit, 'aborted', services.now());
        res.destroy();
        return { ...counted(), status: 499, errorCode: 'client_write_timeout' };
      }
    }
    reportOutcome(upstream, permit, classifyStatus(status), services.now());
  } catch (error) {
    const gone = requestSignal.aborted;
    reportOutcome(upstream, permit, gone ? 'aborted' : 'connection_error', services.now());
    res.destroy();
    if (gone) return counted();
    return { ...counted(), upstreamFailure: { outcome: 'connection_error', code: errorCodeOf(error, value.controller.signal.reason) } };
  }
  res.end(chunks ? chunks.end() : undefined);
  return counted();
}

/** Writes a buffered body, the proxy's secrets removed, with its length. */
function writeBody(x: Exchange, status: number, headers: OutgoingHttpHeaders, body: Buffer, result: CommitResult): CommitResult {
  const redacted = x.services.redactor().redactBuffer(body);
  headers['content-length'] = String(redacted.body.length);
  x.res.writeHead(status, headers);
  x.res.end(redacted.body);
  if (redacted.count > 0) return { ...result, redactions: (result.redactions ?? 0) + redacted.count };
  return result;
}

/** Gives a buffered body's share of the pod's budget back once the client has it all (or is gone). */
function releaseWhenDone(res: ServerResponse, lease: BufferLease): void {
  if (res.closed) lease.release();
  else res.once('close', () => lease.release());
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Cost as a fixed decimal string, trailing zeros trimmed, for `x-failover-cost-usd` (never `1.2e-7`). */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '0';
  return usd.toFixed(10).replace(/\.?0+$/, '') || '0';
}
