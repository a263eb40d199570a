import { describe, expect, it } from 'vitest';
import { faultSchedule, phaseIndexAt, scheduleSeconds } from '../../bench/lib/fault-schedule';
import { bucketize, totals, type TimelineSample } from '../../bench/lib/timeline';

describe('bucketize', () => {
  it('counts per second the requests served by each upstream and the errors', () => {
    // GIVEN two seconds of samples: primary serves in the first, backup in the second, one error
    const samples: TimelineSample[] = [
      { sentAtMs: 0, latencyMs: 1, status: 200, upstream: 'primary' },
      { sentAtMs: 500, latencyMs: 3, status: 200, upstream: 'primary' },
      { sentAtMs: 1000, latencyMs: 2, status: 200, upstream: 'backup_1' },
      { sentAtMs: 1500, latencyMs: 900, status: 503 },
      { sentAtMs: 1999, latencyMs: 4, status: 0 },
    ];
    // WHEN
    const buckets = bucketize(samples, 2, ['primary', 'backup_1']);
    // THEN
    expect(buckets[0]).toEqual({ second: 0, sent: 2, served: { primary: 2, backup_1: 0 }, errors: 0, p99Ms: 3 });
    expect(buckets[1]).toEqual({ second: 1, sent: 3, served: { primary: 0, backup_1: 1 }, errors: 2, p99Ms: 900 });
    expect(totals(buckets)).toEqual({ sent: 5, served: { primary: 2, backup_1: 1 }, errors: 2 });
  });

  it('drops samples outside the run and gives empty seconds a NaN p99', () => {
    // GIVEN a sample past the end
    const buckets = bucketize([{ sentAtMs: 5000, latencyMs: 1, status: 200, upstream: 'primary' }], 2, ['primary']);
    // THEN
    expect(buckets.map((b) => b.sent)).toEqual([0, 0]);
    expect(buckets[0].p99Ms).toBeNaN();
  });

  it('refuses a duration that is not a positive integer', () => {
    expect(() => bucketize([], 0, [])).toThrow('durationSeconds must be a positive integer (received 0)');
  });
});

describe('faultSchedule', () => {
  it('lays phases end to end and finds the one running at a time', () => {
    // GIVEN healthy 5 s then 503 for 7 s
    const schedule = faultSchedule([
      ['healthy', 5, { kind: 'ok' }],
      ['primary 503', 7, { kind: 'status', status: 503 }],
    ]);
    // THEN
    expect(schedule.map((p) => [p.startSecond, p.endSecond])).toEqual([[0, 5], [5, 12]]);
    expect(scheduleSeconds(schedule)).toBe(12);
    expect(phaseIndexAt(schedule, 4999)).toBe(0);
    expect(phaseIndexAt(schedule, 5000)).toBe(1);
    expect(phaseIndexAt(schedule, 60_000)).toBe(1);
  });

  it('refuses a phase without length', () => {
    expect(() => faultSchedule([['hang', 0, { kind: 'hang' }]])).toThrow('phase "hang" must last more than 0 seconds (received 0)');
  });
});
