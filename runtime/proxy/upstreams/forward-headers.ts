import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { HEADERS } from '../../../src/contract';
import { FORWARDING_HEADERS } from '../../http/forwarding-policy';

/** Client-sent forwarding headers: dropped unless the socket peer is a trusted proxy. */
const FORWARDING = new Set(FORWARDING_HEADERS);

/** Who sent the request, as the server's forwarding policy decided (runtime/http/forwarding-policy.ts). */
export interface ForwardingFacts {
  /** The `X-Forwarded-For` to send; absent: none is set. */
  readonly forwardedFor?: string;
  /** The peer is a trusted proxy: its `X-Forwarded-*`, `X-Real-IP`, `Forwarded` and `Via` go on. */
  readonly trustedPeer?: boolean;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and others a proxy must not pass on. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings',
]);

/** Request headers the proxy sets itself or never forwards. */
const REQUEST_DROP = new Set([
  'host', 'authorization', 'content-length', 'accept-encoding', 'cookie', 'expect',
  'x-api-key', 'api-key',
  HEADERS.timeoutMs, HEADERS.requestId,
]);

/** Response headers the proxy sets itself. */
const RESPONSE_DROP = new Set([
  'content-length', 'content-encoding', 'set-cookie', 'location',
  HEADERS.upstream, HEADERS.attempts, HEADERS.overheadMs, HEADERS.requestId, HEADERS.costUsd,
]);

const NO_TOKENS: ReadonlySet<string> = new Set();
/** The last `Connection` value parsed and its names: nearly every message carries the same one (`keep-alive`). */
let lastConnection = { text: '', tokens: NO_TOKENS };

/** Names listed in `Connection` (those are hop-by-hop too). */
function connectionTokens(headers: IncomingHttpHeaders | Record<string, unknown>): ReadonlySet<string> {
  const value = headers.connection;
  const text = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : '';
  if (text === lastConnection.text) return lastConnection.tokens;
  const tokens = new Set(text.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0));
  // only short values are remembered: a client cannot make the proxy keep a large one
  if (text.length <= 64) lastConnection = { text, tokens };
  return tokens;
}

/**
 * Headers sent upstream: the client's minus hop-by-hop, those named in
 * `Connection`, its `Authorization` and the proxy's own; plus the upstream's
 * key, our request id and `traceparent` (forwarded as is). The client's
 * forwarding headers go on only from a trusted proxy; `X-Forwarded-For` is
 * the one the forwarding policy built (the socket address, appended to a
 * trusted proxy's list).
 */
export function upstreamRequestHeaders(
  client: IncomingHttpHeaders,
  apiKey: string | undefined,
  requestId: string,
  bodyLength: number | undefined,
  forwarding: ForwardingFacts = {},
): Record<string, string> {
  const named = connectionTokens(client);
  const out: Record<string, string> = {};
  // Object.keys, not Object.entries: one array per message instead of one per header (these run twice a request)
  for (const name of Object.keys(client)) {
    const value = client[name];
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.has(lower) || REQUEST_DROP.has(lower)) continue;
    if (forwarding.trustedPeer !== true && FORWARDING.has(lower)) continue;
    out[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (forwarding.forwardedFor !== undefined) out['x-forwarded-for'] = forwarding.forwardedFor;
  out['accept-encoding'] = 'identity';
  out[HEADERS.requestId] = requestId;
  if (apiKey) out.authorization = `Bearer ${apiKey}`;
  if (bodyLength !== undefined) {
    out['content-length'] = String(bodyLength);
    out['content-type'] = out['content-type'] ?? 'application/json';
  }
  return out;
}

/** Headers of an upstream response that may be passed to the client. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const named = connectionTokens(upstream);
  const out: OutgoingHttpHeaders = {};
  for (const name of Object.keys(upstream)) {
    const value = upstream[name];
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.has(lower) || RESPONSE_DROP.has(lower)) continue;
    out[lower] = value;
  }
  return out;
}
