import { describe, expect, it } from 'vitest';
import type { FailoverResult } from '../../bench/failover';
import { fmt, renderReport, table, type BenchReport } from '../../bench/lib/report';
import type { MemoryResult } from '../../bench/memory';
import type { OverheadResult, OverheadStep } from '../../bench/overhead';

const step = (concurrency: number, rps: number, p50: number, p99: number): OverheadStep => ({
  concurrency, throughputRps: rps, errors: 0, latencyMs: { count: 100, p50, p90: p99, p99, max: p99, mean: p50 },
});

const overhead: OverheadResult = {
  settings: { concurrencies: [1, 16], stepMs: 3000, warmupMs: 1000, maxRequestsPerStep: 1000 },
  comparisons: [{
    kind: 'non-streamed',
    direct: [step(1, 10_000, 0.1, 0.2), step(16, 40_000, 0.3, 1)],
    proxied: [step(1, 3000, 0.3, 1.2), step(16, 8000, 2, 6)],
    addedLatencyP50Ms: 0.2,
    addedLatencyP99Ms: 1,
    maxThroughputDirectRps: 40_000,
    maxThroughputProxiedRps: 8000,
    throughputRatio: 0.2,
  }],
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
  settings: { streams: 1000, chunkDelayMs: 2000, openTimeoutMs: 15_000 },
  idleRssMiB: 90,
  loadedRssMiB: 135,
  openStreamsSeen: 1000,
  streamsWithHeaders: 1000,
  rssRatio: 1.5,
  perStreamKiB: 46.1,
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
    expect(md).toContain('```sh\nnpm run bench\n```');
    expect(md).toContain('| non-streamed | 0.10 / 0.20 | 0.30 / 1.20 | 0.20 / 1.00 | 40000 | 8000 | 0.20× |');
    expect(md).toContain('| primary 503 | 5–10 | 500 | 0 | 500 | 0 | 4.00 | 2.0× | 9 |');
    expect(md).toContain('**0 client-visible errors**');
    expect(md).toContain('![failover timeline](bench/results/failover-timeline.svg)');
    expect(md).toContain('| 90.0 | 135.0 | 1.50× | 46.1 | 1000 / 1000 |');
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
