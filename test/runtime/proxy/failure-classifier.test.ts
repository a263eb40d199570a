import { describe, expect, it } from 'vitest';
import { classifyStatus, parseRetryAfterMs } from '../../../runtime/proxy/attempts/failure-classifier';

describe('failure classification', () => {

  it('counts only 5xx and 429 as upstream failures', () => {
    expect([200, 400, 401, 404, 413, 422, 429, 500, 503].map(classifyStatus)).toEqual([
      'success', 'client_error', 'client_error', 'client_error', 'client_error', 'client_error', 'rate_limited', 'server_error', 'server_error',
    ]);
  });

  it('parses Retry-After seconds and dates, capped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('5', now, 30_000)).toBe(5000);
    expect(parseRetryAfterMs('999', now, 30_000)).toBe(30_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now, 30_000)).toBe(10_000);
    expect(parseRetryAfterMs('soon', now, 30_000)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now, 30_000)).toBeUndefined();
  });
});
