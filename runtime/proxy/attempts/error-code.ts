/** Codes are short upper-case identifiers (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, `CERT_HAS_EXPIRED`). */
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * The error code of a failed upstream call, as an operator reads it: the
 * undici or Node code (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`,
 * `UND_ERR_HEADERS_TIMEOUT`), the TLS code (`CERT_HAS_EXPIRED`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`), or the proxy's own timeout code
 * (`PROXY_TRY_TIMEOUT`, ...) when its timer cut the try. Looks through
 * `cause` and the `errors` of an AggregateError (several addresses tried).
 * Undefined when nothing code-like is found; never free text.
 */
export function errorCodeOf(error: unknown, signalReason?: unknown): string | undefined {
  return codeIn(signalReason, 0) ?? codeIn(error, 0);
}

function codeIn(value: unknown, depth: number): string | undefined {
  if (value === null || typeof value !== 'object' || depth > 4) return undefined;
  const { code, cause, errors } = value as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && CODE.test(code)) return code;
  const fromCause = codeIn(cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = codeIn(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
