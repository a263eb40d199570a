import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RequestFinishedEvent } from '../../../runtime/events';
import { createLogger, isoTimeByMillisecond } from '../../../runtime/ops/logger';
import { RequestLog } from '../../../runtime/ops/request-log';

const SECRET = 'sk-upstream-secret-0001';

function capture(level: string): { lines: string[]; log: RequestLog; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level, secrets: () => [SECRET], destination });
  return { lines, log: new RequestLog(logger), logger };
}

const finished = (model: string): RequestFinishedEvent => ({
  requestId: 'req-1',
  route: '/v1/chat/completions',
  model,
  status: 200,
  stream: false,
  upstream: 'primary',
  attempts: 1,
  failovers: 0,
  failedAttempts: 0,
  retries: 0,
  durationMs: 1.23456,
  overheadMs: 0.2,
  usage: { promptTokens: 12, completionTokens: 6 },
  costUsd: 0.0001,
  client: 'key:abcd1234',
});

const flushed = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the per-request log line', () => {
  it('is one JSON line with the request fields, and configured secrets are scrubbed from it', async () => {
    // GIVEN a request log whose logger knows one secret
    const { lines, log } = capture('info');
    // WHEN a request finishes whose model name carries that secret
    log.requestFinished(finished(`gpt-4.1 ${SECRET}`));
    await flushed();
    // THEN
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      service: 'ai-failover-proxy',
      event: 'request',
      requestId: 'req-1',
      route: '/v1/chat/completions',
      model: 'gpt-4.1 [redacted]',
      status: 200,
      upstream: 'primary',
      attempts: 1,
      durationMs: 1.235,
      promptTokens: 12,
      completionTokens: 6,
      client: 'key:abcd1234',
      msg: 'request finished',
    });
    expect(lines[0]).not.toContain(SECRET);
  });

  it('follows the logger level when a reload changes it, either way', async () => {
    // GIVEN a logger started at warn
    const { lines, log, logger } = capture('warn');
    // WHEN a request finishes at warn, then after a reload to info, then after a reload back to warn
    log.requestFinished(finished('gpt-4.1'));
    logger.level = 'info';
    log.requestFinished(finished('gpt-4.1'));
    logger.level = 'warn';
    log.requestFinished(finished('gpt-4.1'));
    await flushed();
    // THEN only the request finished at info was written
    expect(lines).toHaveLength(1);
  });
});

describe('the time of a log line', () => {
  it('is pino\'s ISO time, formatted once per millisecond', () => {
    // GIVEN a clock at two instants, read three times
    const instants = [Date.UTC(2026, 0, 2, 3, 4, 5, 6), Date.UTC(2026, 0, 2, 3, 4, 5, 6), Date.UTC(2026, 0, 2, 3, 4, 5, 7)];
    const time = isoTimeByMillisecond(() => instants.shift() ?? 0);
    // WHEN / THEN
    expect(time()).toBe(',"time":"2026-01-02T03:04:05.006Z"');
    expect(time()).toBe(',"time":"2026-01-02T03:04:05.006Z"');
    expect(time()).toBe(',"time":"2026-01-02T03:04:05.007Z"');
  });
});
