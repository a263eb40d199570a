import type { AttemptOutcome } from '../../events';

/** Outcome of an upstream HTTP status: only 5xx and 429 count against an upstream. */
export function classifyStatus(status: number): AttemptOutcome {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  if (status >= 300) return 'server_error'; // redirects are never followed: the upstream is misconfigured
  return 'success';
}

/** The proxy's own codes for the timers that cut a try, as attempts and `/v1/status` report them. */
const ABORT_CODES: Readonly<Record<string, string>> = {
  'per-try timeout': 'PROXY_TRY_TIMEOUT',
  'request deadline': 'PROXY_DEADLINE',
  'first-token timeout': 'PROXY_FIRST_TOKEN_TIMEOUT',
  'stream idle timeout': 'PROXY_STREAM_IDLE_TIMEOUT',
};

/** Marker for aborts the engine itself caused, so they can be told apart. */
export class AttemptAbort extends Error {
  /** `PROXY_TRY_TIMEOUT`, `PROXY_DEADLINE`, ... (timeouts), `PROXY_SHUTDOWN`, `CLIENT_CLOSED`. */
  public readonly code: string;

  public constructor(public readonly kind: 'timeout' | 'client' | 'shutdown', message: string) {
    super(message);
    this.name = 'AttemptAbort';
    this.code = kind === 'timeout' ? ABORT_CODES[message] ?? 'PROXY_TIMEOUT' : kind === 'client' ? 'CLIENT_CLOSED' : 'PROXY_SHUTDOWN';
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** Outcome of an error thrown by an upstream call (undici error codes, our own aborts). */
export function classifyError(error: unknown, signalReason?: unknown): AttemptOutcome {
  if (signalReason instanceof AttemptAbort) {
    return signalReason.kind === 'timeout' ? 'timeout' : 'aborted';
  }
  if (error instanceof AttemptAbort) {
    return error.kind === 'timeout' ? 'timeout' : 'aborted';
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return 'timeout';
  return 'connection_error';
}

/** True when an outcome counts as a failure of the upstream (opens breakers, allows failover). */
export function isUpstreamFailure(outcome: AttemptOutcome): boolean {
  return outcome === 'server_error' || outcome === 'rate_limited' || outcome === 'timeout' || outcome === 'connection_error';
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into ms, capped at
 * `capMs`; undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, now: number, capMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const trimmed = raw.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    ms = Number(trimmed) * 1000;
  } else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(ms, 0), capMs);
}
