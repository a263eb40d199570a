import { subscribe } from 'node:diagnostics_channel';

/** Marks an error raised for a request that was written on a connection that had served a request before. */
const ON_REUSED_SOCKET = Symbol('onReusedSocket');

/** Socket-level codes of a connection the upstream closed (idle timeout) just as the proxy reused it. */
const STALE_SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

const requestsPerSocket = new WeakMap<object, number>();
const onReusedSockets = new WeakSet<object>();
let tracking = false;

/**
 * Starts telling apart requests written on a reused keep-alive connection,
 * through undici's diagnostics channels (`undici:client:sendHeaders` names
 * the socket of each request; `undici:request:error` the error it failed
 * with). Idempotent; costs two WeakMap look-ups per upstream request.
 */
export function trackSocketReuse(): void {
  if (tracking) return;
  tracking = true;
  subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request?: object; socket?: object };
    if (!request || !socket) return;
    const served = requestsPerSocket.get(socket) ?? 0;
    requestsPerSocket.set(socket, served + 1);
    if (served > 0) onReusedSockets.add(request);
  });
  subscribe('undici:request:error', (message) => {
    const { request, error } = message as { request?: object; error?: unknown };
    if (request && onReusedSockets.has(request) && error !== null && typeof error === 'object') {
      (error as { [ON_REUSED_SOCKET]?: boolean })[ON_REUSED_SOCKET] = true;
    }
  });
}

/**
 * True when an upstream call failed because the reused keep-alive connection
 * it was written on had been closed by the upstream, before any response
 * byte: the request can be sent again on a fresh connection, and the failure
 * says nothing about the upstream's health.
 */
export function failedOnStaleSocket(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const marked = (error as { [ON_REUSED_SOCKET]?: boolean })[ON_REUSED_SOCKET] === true;
  const code = (error as { code?: unknown }).code;
  return marked && typeof code === 'string' && STALE_SOCKET_CODES.has(code);
}
