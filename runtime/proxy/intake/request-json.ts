import type { Answer, Intake } from '../exchange';
import { nestsDeeperThan } from './json-depth';
import { readBoundedBody } from './request-body';
import type { RequestFacts } from '../formats/api-format';
import { NO_ATTEMPTS, clientGone, sendFailure } from '../response/failover-headers';

/** Result of {@link readRequestJson}: the body and what it asks for, or the answer already sent. */
export type RequestJson =
  | { readonly ok: true; readonly body: Record<string, unknown>; readonly facts: RequestFacts }
  | { readonly ok: false; readonly answer: Answer };

/**
 * Reads the request body (bounded by `maxBodyBytes`: a chunked body has no
 * `Content-Length` for the server to refuse) as a JSON object, and asks the
 * route's format what it names. Answers 413 over the limit and 400 for
 * anything but a JSON object; a client that went away gets no answer (499).
 *
 * A body the server already read (every request through the server) is
 * parsed at once and the result returned as is, not as a promise: an
 * `await` of an async function costs a promise and a microtask turn on
 * every request (issue 12).
 */
export function readRequestJson(x: Intake): RequestJson | Promise<RequestJson> {
  if (x.ctx.body !== undefined) return parseRequestJson(x, x.ctx.body);
  const limit = x.config.limits.maxBodyBytes;
  return readBoundedBody(x.req, limit).then((read) => {
    if (read.ok) return parseRequestJson(x, read.body);
    if (read.reason === 'aborted') return { ok: false, answer: clientGone(x) };
    const message = `request body of ${read.received} bytes exceeds the limit of ${limit} bytes`;
    return { ok: false, answer: sendFailure(x, NO_ATTEMPTS, 413, 'request_too_large', message, { connection: 'close' }) };
  });
}

/** The body as a JSON object, and what it asks for; or the 400 sent. */
function parseRequestJson(x: Intake, body: Buffer): RequestJson {
  const { config, route } = x;
  let parsed: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    parsed = value as Record<string, unknown>;
  } catch {
    const message = `request body is not a JSON object (received ${body.length} bytes)`;
    return { ok: false, answer: sendFailure(x, NO_ATTEMPTS, 400, 'invalid_json', message) };
  }
  // JSON.parse takes any depth; re-serializing a value nested thousands of levels would overflow the stack
  if (nestsDeeperThan(parsed, config.limits.maxJsonDepth)) {
    const message = `request body nests deeper than limits.maxJsonDepth (${config.limits.maxJsonDepth} levels)`;
    return { ok: false, answer: sendFailure(x, NO_ATTEMPTS, 400, 'json_too_deep', message) };
  }
  return { ok: true, body: parsed, facts: route.format.requestFacts(parsed, route) };
}
