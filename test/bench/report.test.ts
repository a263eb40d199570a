import { describe, expect, it } from 'vitest';
import type { FailoverResult } from '../../bench/failover';
import { fmt, renderReport, table, type BenchReport } from '../../bench/lib/report';
import type { MemoryResult } from '../../bench/memory';
import type { OverheadResult, TargetFigures } from '../../bench/overhead';

/** A target with the given max throughput (req/s) and fixed-rate p50 / p99 (ms). */
const target = (name: string, rps: number, p50: number, p99: number, ttfbP50 = p50): TargetFigures => ({
  name,
  detail: `${name} detail`,
  throughput: {
    nonStreamed: { tool: 'wrk', rps, requests: rps * 3, errors: 0, latencyMs: { p50: 1, p99: 2 }, cpuUsPerRequest: 1_000_000 / rps },
    streamed: { tool: 'wrk', rps: rps / 2, requests: rps, errors: 0, latencyMs: { p50: 2, p99: 4 }, cpuUsPerRequest: 2_000_000 / rps },
  },
  fixedRate: {
    nonStreamed: { count: 2000, errors: 0, p50, p90: p50 * 2, p99 },
    streamedTtfb: { count: 2000, errors: 0, p50: ttfbP50, p90: p99, p99 },
  },
});

const overhead: OverheadResult = {
  settings: { connections: 50, throughputMs: 3000, ratePerSecond: 500, fixedRateMs: 4000, rounds: 2, warmupMs: 1000, maxRequestsPerRun: 1000 },
  tool: 'wrk',
  targets: [
    target('direct (mock)', 20_000, 0.2, 0.5),
    target('nginx', 16_000, 0.4, 0.9),
    target('minimal pass-through', 10_000, 0.5, 1.5),
    target('proxy', 8000, 0.55, 3, 0.7),
  ],
};

const failover: FailoverResult = {
  ratePerSecond: 100,
  upstreams: ['primary', 'backup_1'],
  phases: [{ label: 'healthy', startSecond: 0, endSecond: 5, mode: 'ok' }, { label: 'primary 503', startSecond: 5, endSecond: 10, mode: 'status' }],
  proxyConfig: { circuitBreaker: { failureThreshold: 5 } },
  totals: { sent: 1000, served: { primary: 500, backup_1: 500 }, errors: 0, p50Ms: 1, p99Ms: 4 },
  baselineP99Ms: 2,
  perPhase: [
    { label: 'healthy', sent: 500, served: { primary: 500, backup_1: 0 }, errors: 0, p99Ms: 2, maxMs: 3 },
    { label: 'primary 503', sent: 500, served: { primary: 0, backup_1: 500 }, errors: 0, p99Ms: 4, maxMs: 9 },
  ],
  timeline: [],
};

const memory: MemoryResult = {
  settings: { streams: 1000, chunkDelayMs: 2000, openTimeoutMs: 15_000, maxConnections: 1024 },
  targets: [
    { name: 'minimal pass-through', idleRssMiB: 50, loadedRssMiB: 70, openStreamsSeen: null, streamsWithHeaders: 1000, rssRatio: 1.4, perStreamKiB: 20.5 },
    { name: 'proxy', idleRssMiB: 90, loadedRssMiB: 135, openStreamsSeen: 1000, streamsWithHeaders: 1000, rssRatio: 1.5, perStreamKiB: 46.1 },
  ],
};

const report: BenchReport = {
  startedAt: '2026-01-01T00:00:00.000Z',
  durationSeconds: 120,
  command: 'npm run bench',
  machine: { cpuModel: 'Test CPU', cpuCount: 2, totalMemoryGiB: 8, os: 'linux test x64', node: 'v20.19.0' },
  overhead,
  failover,
  memory,
};

describe('renderReport', () => {
  it('states the machine, the command and every headline figure as measured', () => {
    // WHEN
    const md = renderReport(report);
    // THEN
    expect(md).toContain('| CPU | 2 × Test CPU |');
    expect(md).toContain('| Node.js | v20.19.0 |');
    expect(md).toContain('```sh\nnpm run bench\n');
    expect(md).toContain('| primary 503 | 5–10 | 500 | 0 | 500 | 0 | 4.00 | 2.0× | 9 |');
    expect(md).toContain('**0 client-visible errors**');
    expect(md).toContain('![failover timeline](bench/results/failover-timeline.svg)');
    expect(md).toContain('| proxy | 90.0 | 135.0 | 1.50× | 46.1 | 1000 / 1000 |');
    expect(md).toContain('| minimal pass-through | 50.0 | 70.0 | 1.40× | 20.5 | 1000 / n/a |');
  });

  it('gives every target its throughput relative to the pass-through and nginx, and its latency added over direct', () => {
    // WHEN
    const md = renderReport(report);
    // THEN 8000 / 10000 = 0.80, 8000 / 16000 = 0.50; p50 0.55 − 0.2 = +0.35, p99 3 − 0.5 = +2.50; TTFB 0.7 − 0.2
    expect(md).toContain('| proxy | 8000 | 0.80× / 0.50× | 4000 | 0.80× / 0.50× | 125 / 250 | 0.55 / 1.10 / 3.00 | +0.35 / +2.50 | 0.70 / 3.00 | +0.50 |');
    expect(md).toContain('| direct (mock) | 20000 | 2.00× / 1.25× | 10000 | 2.00× / 1.25× | 50 / 100 | 0.20 / 0.40 / 0.50 | — | 0.20 / 0.50 | — |');
  });

  it('marks each goal as held or not, against the pass-through of the same run', () => {
    // WHEN
    const md = renderReport(report);
    // THEN throughput 0.80× holds; p99 +1.50 ms over the pass-through does not; 135 MiB does not
    expect(md).toContain('| max throughput non-streamed ≥ 0.75× the pass-through | 0.80× | yes |');
    expect(md).toContain('| latency at 500 req/s, p50 within 0.1 ms of the pass-through\'s | +0.05 ms | yes |');
    expect(md).toContain('| latency at 500 req/s, p99 within 1 ms of the pass-through\'s | +1.50 ms | **no** |');
    expect(md).toContain('| streamed time to first byte at 500 req/s, p50 within 0.1 ms of the pass-through\'s | +0.20 ms | **no** |');
    expect(md).toContain('| RSS with 1000 open streams ≤ 100 MiB | 135.0 MiB | **no** |');
  });

  it('says when the machine was busy, from the direct p99 at the fixed rate', () => {
    // GIVEN a run where the mock answered direct requests at p99 0.5 ms, and one at 40 ms
    const busy = { ...overhead, targets: [target('direct (mock)', 20_000, 0.2, 40), ...overhead.targets.slice(1)] };
    // WHEN / THEN
    expect(renderReport(report)).not.toContain('The machine was busy');
    expect(renderReport({ ...report, overhead: busy })).toContain('The machine was busy during this run: the mock answered direct requests at p99 40.00 ms');
  });

  it('sets the time to the first content token beside TTFB when the run measured it, and says nothing without it', () => {
    // GIVEN a run where the pass-through's first byte (0.50 ms) came before its first content (0.80 ms), the proxy's at 0.85 ms
    const withContent = (t: TargetFigures, p50: number): TargetFigures => ({
      ...t, fixedRate: { ...t.fixedRate, streamedFirstContent: { count: 2000, errors: 0, p50, p90: p50, p99: p50 } },
    });
    const [direct, nginx, passthrough, proxy] = overhead.targets;
    const measured = { ...overhead, targets: [direct, nginx, withContent(passthrough, 0.8), withContent(proxy, 0.85)] };
    // WHEN
    const md = renderReport({ ...report, overhead: measured });
    // THEN both are named, with the difference
    expect(md).toContain('the pass-through p50 0.80 ms (its first byte, the role-only opening chunk, came at 0.50 ms), the proxy p50 0.85 ms (+0.05 ms)');
    expect(renderReport(report)).not.toContain('Time to the first content token');
  });

  it('shows the earlier build measured in the same run as the before of each goal, and leaves the section out without one', () => {
    // GIVEN the same run with an earlier build that did 4000 req/s
    const withBefore = { ...overhead, targets: [...overhead.targets.slice(0, 3), { ...target('proxy (before)', 4000, 0.9, 4), detail: 'commit abc1234' }, overhead.targets[3]] };
    // WHEN
    const md = renderReport({ ...report, overhead: withBefore });
    // THEN
    expect(md).toContain('Before: commit abc1234, measured in this same run');
    expect(md).toContain('| max throughput non-streamed ≥ 0.75× the pass-through | 0.40× | 0.80× |');
    expect(md).toContain('| max throughput non-streamed / streamed (req/s) | 4000 / 2000 | 8000 / 4000 |');
    expect(renderReport(report)).not.toContain('### Before and after');
  });
});

describe('renderReport with the shared-state phase', () => {
  it('shows Redis on against off and says whether the added p50 is within the goal', () => {
    // GIVEN Redis adding 0.2 ms at p50
    const lat = (p50: number) => ({ count: 6000, errors: 0, p50, p90: p50 * 2, p99: p50 * 4, max: p50 * 5, mean: p50 });
    const sharedState = {
      settings: { ratePerSecond: 500, runMs: 4000, rounds: 3, warmupMs: 1000 },
      redis: 'redis-server 7.0.15 on 127.0.0.1 (no persistence)',
      off: lat(0.5),
      on: lat(0.7),
      addedP50Ms: 0.2,
      addedP99Ms: 0.8,
      p50Ratio: 1.4,
      goalAddedP50Ms: 0.3,
    };
    // WHEN
    const md = renderReport({ ...report, sharedState });
    // THEN
    expect(md).toContain('| on (Redis) | 6000 | 0 | 0.70 | 1.40 | 2.80 |');
    expect(md).toContain('Added by Redis: 0.20 ms at p50 (within the goal)');
    expect(renderReport(report)).not.toContain('## Shared state');
  });
});

describe('fmt and table', () => {
  it('prints n/a for missing numbers (NaN becomes null in JSON)', () => {
    expect(fmt(Number.NaN)).toBe('n/a');
    expect(fmt(null)).toBe('n/a');
    expect(fmt(1.234, 1)).toBe('1.2');
  });

  it('builds a markdown table with a separator row', () => {
    expect(table(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});
