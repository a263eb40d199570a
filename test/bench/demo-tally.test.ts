import { describe, expect, it } from 'vitest';
import { demoPlan } from '../../demo/plan';
import { eraseLines, progressBar, renderFrame, renderLine, type DemoSnapshot } from '../../demo/render';
import { judge, servedRecently, type DemoAnswer } from '../../demo/tally';

const plan = demoPlan(10); // healthy 0-2.5 s, outage 2.5-6 s, recovered 6-10 s
const ok = (sentAtMs: number, upstream: string): DemoAnswer => ({ sentAtMs, doneAtMs: sentAtMs + 5, status: 200, upstream });

describe('judge', () => {
  it('passes when primary, then backups, then primary again served without errors', () => {
    // GIVEN the expected story
    const answers = [ok(100, 'primary'), ok(3000, 'backup_1'), ok(5000, 'backup_2'), ok(9000, 'primary')];
    // WHEN
    const verdict = judge(plan, answers, 'primary');
    // THEN
    expect(verdict.ok).toBe(true);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.total).toEqual({ sent: 4, served: { primary: 2, backup_1: 1, backup_2: 1 }, errors: 0 });
    expect(verdict.perAct.outage.served).toEqual({ backup_1: 1, backup_2: 1 });
  });

  it('fails naming the count when a client saw an error', () => {
    const answers = [ok(100, 'primary'), { sentAtMs: 3000, doneAtMs: 3100, status: 502 }, ok(3500, 'backup_1'), ok(9000, 'primary')];
    const verdict = judge(plan, answers, 'primary');
    expect(verdict.ok).toBe(false);
    expect(verdict.reasons).toEqual(['client-visible errors must be 0 (received 1)']);
  });

  it('fails when the primary never came back', () => {
    const verdict = judge(plan, [ok(100, 'primary'), ok(3000, 'backup_1'), ok(9000, 'backup_1')], 'primary');
    expect(verdict.ok).toBe(false);
    expect(verdict.reasons).toEqual(['the primary served no request after it came back (served: {"backup_1":1})']);
  });

  it('fails when the primary answered during the outage or backups never served', () => {
    const verdict = judge(plan, [ok(100, 'primary'), ok(3000, 'primary'), ok(9000, 'primary')], 'primary');
    expect(verdict.reasons).toEqual([
      'no backup served a request during the outage (served: {"primary":1})',
      'the primary answered 1 request(s) sent while it was down',
    ]);
  });

  it('fails a run that sent nothing', () => {
    expect(judge(plan, [], 'primary').reasons[0]).toBe('no request was sent');
  });
});

describe('servedRecently', () => {
  it('counts successes finished within the window only', () => {
    const answers = [ok(0, 'primary'), ok(1500, 'backup_1'), ok(1900, 'backup_1'), { sentAtMs: 1900, doneAtMs: 1950, status: 503 }];
    expect(servedRecently(answers, 2000, 1000)).toEqual({ backup_1: 2 });
  });
});

describe('render', () => {
  const snap: DemoSnapshot = {
    elapsedMs: 5000,
    totalMs: 10_000,
    act: 'primary region DOWN',
    regions: [
      { name: 'primary', label: 'region-a', state: 'open', servedLastSecond: 0, servedTotal: 40 },
      { name: 'backup_1', label: 'region-b', state: 'closed', servedLastSecond: 20, servedTotal: 60 },
    ],
    sent: 100,
    errors: 0,
  };

  it('draws a frame with progress, act, breaker states, who serves and the error count', () => {
    const frame = renderFrame(snap, false).join('\n');
    expect(frame).toContain('[###############...............] 5.0s / 10s');
    expect(frame).toContain('now: primary region DOWN');
    expect(frame).toMatch(/primary\s+region-a\s+open\s+0\s+40\n/);
    expect(frame).toMatch(/backup_1\s+region-b\s+closed\s+20\s+60 ◀ serving/);
    expect(frame).toContain('requests sent 100   client-visible errors 0');
    expect(frame).not.toContain('\x1b[');
  });

  it('prints one plain line for non-terminals', () => {
    expect(renderLine(snap)).toBe('[  5.0s] primary region DOWN | primary=open:0/s backup_1=closed:20/s | sent 100 errors 0');
  });

  it('clamps the progress bar and erases exactly the lines drawn', () => {
    expect(progressBar(2, 4)).toBe('[####]');
    expect(progressBar(-1, 4)).toBe('[....]');
    expect(eraseLines(3)).toBe('\x1b[3A\x1b[0J');
    expect(eraseLines(0)).toBe('');
  });
});
