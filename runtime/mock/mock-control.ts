import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockMode } from './mock-upstream';

/** Control routes every mock upstream serves (a test tool: loopback only, no auth). */
export const MOCK_CONTROL = { mode: '/__mock/mode', stats: '/__mock/stats' } as const;

/** Non-negative finite number check for mode fields. */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Validates a JSON value as a {@link MockMode}: the mode, or a message naming
 * the bad field and the value received.
 */
export function parseMockMode(value: unknown): MockMode | string {
  const shown = (v: unknown): string => JSON.stringify(v)?.slice(0, 80) ?? String(v);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `mode must be a JSON object with a "kind" (received ${shown(value)})`;
  const m = value as Record<string, unknown>;
  const need = (field: string, ok: boolean, what: string): string | undefined => (ok ? undefined : `${field} must be ${what} for kind ${shown(m.kind)} (received ${shown(m[field])})`);
  let problem: string | undefined;
  switch (m.kind) {
    case 'ok': case 'reset': case 'hang': case 'empty-stream':
      break;
    case 'latency':
      problem = need('ms', isCount(m.ms), 'a number >= 0');
      break;
    case 'status':
      problem = need('status', Number.isInteger(m.status) && (m.status as number) >= 100 && (m.status as number) <= 599, 'an HTTP status 100-599')
        ?? (m.retryAfterSeconds === undefined ? undefined : need('retryAfterSeconds', isCount(m.retryAfterSeconds), 'a number >= 0'));
      break;
    case 'slow-stream':
      problem = need('chunkDelayMs', isCount(m.chunkDelayMs), 'a number >= 0');
      break;
    case 'broken-stream':
      problem = need('afterChunks', Number.isInteger(m.afterChunks) && (m.afterChunks as number) >= 0, 'an integer >= 0');
      break;
    case 'stream-stall':
      problem = m.resetAfterMs === undefined ? undefined : need('resetAfterMs', isCount(m.resetAfterMs), 'a number >= 0');
      break;
    default:
      return `kind must be one of ok, latency, status, reset, hang, slow-stream, broken-stream, stream-stall, empty-stream (received ${shown(m.kind)})`;
  }
  return problem ?? (value as MockMode);
}

/** What the control routes read and change on a mock. */
export interface MockControlTarget {
  readonly name: string;
  readonly mode: MockMode;
  readonly requests: number;
  setMode(mode: MockMode): void;
}

/**
 * Serves `PUT /__mock/mode` (JSON MockMode body; 400 with the reason when
 * invalid) and `GET /__mock/stats` (`{name, requests, mode}`). Returns false
 * when the request is not a control route. Control calls are not counted.
 */
export function handleMockControl(req: IncomingMessage, res: ServerResponse, body: string, mock: MockControlTarget): boolean {
  const path = (req.url ?? '').split('?')[0];
  if (path !== MOCK_CONTROL.mode && path !== MOCK_CONTROL.stats) return false;
  const send = (status: number, payload: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  };
  if (path === MOCK_CONTROL.stats && req.method === 'GET') {
    send(200, { name: mock.name, requests: mock.requests, mode: mock.mode });
  } else if (path === MOCK_CONTROL.mode && req.method === 'PUT') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      send(400, { error: { message: `body must be a JSON MockMode (received ${JSON.stringify(body.slice(0, 80))})`, type: 'invalid_request_error', code: 'invalid_mode' } });
      return true;
    }
    const mode = parseMockMode(parsed);
    if (typeof mode === 'string') {
      send(400, { error: { message: mode, type: 'invalid_request_error', code: 'invalid_mode' } });
    } else {
      mock.setMode(mode);
      send(200, { name: mock.name, mode });
    }
  } else {
    send(405, { error: { message: `${path} does not accept ${req.method ?? '?'} (use GET ${MOCK_CONTROL.stats} or PUT ${MOCK_CONTROL.mode})`, type: 'invalid_request_error', code: 'method_not_allowed' } });
  }
  return true;
}
