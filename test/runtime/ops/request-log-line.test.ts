import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RequestFinishedEvent } from '../../../runtime/events';
import { createLogger, isoTimeByMillisecond, LineBatch, withoutPathRedaction } from '../../../runtime/ops/logger';
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

describe('the request line written without pino', () => {
  it('is byte for byte what pino writes for the same fields, undefined fields left out', async () => {
    // GIVEN the fast line writer and pino itself, on one logger
    const { lines, logger } = capture('info');
    const fields = { event: 'request', requestId: 'req-"1"', status: 200, stream: false, costUsd: 0.00012, upstream: undefined, ratio: Number.NaN };
    // WHEN both write the same line
    withoutPathRedaction(logger).info(fields, 'request "finished"');
    logger.info(fields, 'request "finished"');
    await flushed();
    // THEN the two lines are the same but for the time
    expect(lines).toHaveLength(2);
    const untimed = (line: string): string => line.replace(/"time":"[^"]+"/, '"time":"T"');
    expect(untimed(lines[0])).toBe(untimed(lines[1]));
    expect(lines[0].endsWith('}\n')).toBe(true);
  });

  it('writes a line without fields as pino does', async () => {
    const { lines, logger } = capture('info');
    withoutPathRedaction(logger).info({}, 'nothing');
    logger.info({}, 'nothing');
    await flushed();
    const untimed = (line: string): string => line.replace(/"time":"[^"]+"/, '"time":"T"');
    expect(untimed(lines[0])).toBe(untimed(lines[1]));
  });
});

describe('log lines batched into one write per turn of the event loop', () => {
  function recording(): { writes: string[]; out: Writable } {
    const writes: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk.toString('utf8'));
        done();
      },
    });
    return { writes, out };
  }

  it('hands the lines of one turn to the destination in one write, in order', async () => {
    // GIVEN a batched logger
    const { writes, out } = recording();
    const logger = createLogger({ level: 'info', destination: out, batch: true });
    // WHEN three lines are logged in one turn
    logger.info('one');
    logger.info('two');
    logger.info('three');
    // THEN nothing is written before the turn ends, then one write with the three lines in order
    expect(writes).toHaveLength(0);
    await flushed();
    expect(writes).toHaveLength(1);
    expect(writes[0].split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['one', 'two', 'three']);
  });

  it('writes at once on flush(), and once the waiting lines pass the size cap', () => {
    // GIVEN a batch with a 100-byte cap
    const { writes, out } = recording();
    const batch = new LineBatch(out, 100);
    // WHEN a short line is queued and flushed, then lines pass the cap
    batch.push('a\n');
    batch.flush();
    batch.push(`${'b'.repeat(60)}\n`);
    batch.push(`${'c'.repeat(60)}\n`);
    // THEN each reached the destination without waiting for the turn to end
    expect(writes).toEqual(['a\n', `${'b'.repeat(60)}\n${'c'.repeat(60)}\n`]);
  });

  it('flushes through the logger\'s flush() (what the drain calls before exit)', () => {
    const { writes, out } = recording();
    const logger = createLogger({ level: 'info', destination: out, batch: true });
    logger.info('last words');
    logger.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('last words');
  });
});
