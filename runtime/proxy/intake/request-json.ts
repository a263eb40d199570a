import type { Exchange } from '../exchange';
import { failRequest } from '../response/failover-headers';
import { readBoundedBody } from './request-body';

/**
 * Reads the request body (bounded by `maxBodyBytes`) as a JSON object and
 * notes its `model` and `stream` in the record. Returns `null` once the
 * request has been answered (413 over the limit, 400 for anything but a
 * JSON object) or the client went away (recorded as 499).
 */
export async function readRequestJson(x: Exchange): Promise<Record<string, unknown> | null> {
  const { req, res, ctx, config, route, record } = x;
  const read = await readBoundedBody(req, config.limits.maxBodyBytes);
  if (!read.ok) {
    if (read.reason === 'too_large') {
      failRequest(res, ctx, record, 413, 'request_too_large', `request body of ${read.received} bytes exceeds the limit of ${config.limits.maxBodyBytes} bytes`, { connection: 'close' });
    } else {
      record.status = 499;
      record.errorCode = 'client_closed_request';
      if (!res.writableEnded) res.destroy();
    }
    return null;
  }
  let parsed: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(read.body.toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    parsed = value as Record<string, unknown>;
  } catch {
    failRequest(res, ctx, record, 400, 'invalid_json', `request body is not a JSON object (received ${read.body.length} bytes)`);
    return null;
  }
  if (typeof parsed.model === 'string') record.model = parsed.model.slice(0, 200);
  record.stream = route.streamable && parsed.stream === true;
  return parsed;
}
