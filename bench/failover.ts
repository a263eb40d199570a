/**
 * Failover timeline: a fixed request rate (open loop) through the proxy in
 * front of three mock regions while the primary answers 503, then resets
 * connections, then hangs, then recovers. Per second: requests served by
 * each upstream, client-visible errors, p99.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { chatBody, proxyEnv } from './lib/env';
import { faultSchedule, phaseIndexAt, scheduleSeconds, type FaultPhase } from './lib/fault-schedule';
import { closedLoop, openLoop } from './lib/load';
import { startProxyProcess } from './lib/proxy-process';
import { round, summarize } from './lib/stats';
import { ENV, ENV_UPSTREAM_NAMES, PATHS, type ProxyConfigInput } from '../src/contract';
import { bucketize, isSuccess, totals, type TimelineBucket } from './lib/timeline';
import { startMockUpstream, type MockUpstream } from '../runtime/mock/mock-upstream';

/** Settings of the failover phase. */
export interface FailoverSettings {
  readonly ratePerSecond: number;
  readonly schedule: readonly FaultPhase[];
  /** Breaker and timeout tuning of the proxy (config.yaml). */
  readonly proxyConfig: ProxyConfigInput;
}

/** Totals of one phase of the schedule. */
export interface FailoverPhaseTotals {
  readonly label: string;
  readonly sent: number;
  readonly served: Record<string, number>;
  readonly errors: number;
  readonly p99Ms: number;
  /** Slowest request of the phase (half-open probes into a hang show here). */
  readonly maxMs: number;
}

/** Result of {@link runFailover}. */
export interface FailoverResult {
  readonly ratePerSecond: number;
  readonly upstreams: readonly string[];
  readonly phases: ReadonlyArray<{ label: string; startSecond: number; endSecond: number; mode: string }>;
  readonly proxyConfig: ProxyConfigInput;
  readonly totals: { sent: number; served: Record<string, number>; errors: number; p50Ms: number; p99Ms: number };
  /** Same run with everything healthy: the first phase (baseline). */
  readonly baselineP99Ms: number;
  readonly perPhase: readonly FailoverPhaseTotals[];
  readonly timeline: readonly TimelineBucket[];
}

/** The three upstream names the seed's env interface gives. */
export const FAILOVER_UPSTREAMS = [ENV_UPSTREAM_NAMES.primary, `${ENV_UPSTREAM_NAMES.backupPrefix}1`, `${ENV_UPSTREAM_NAMES.backupPrefix}2`];

/**
 * Default: 100 req/s for 40 s: healthy, 503, resets, hangs, recovered. The
 * primary is healthy for 5 s between two faults so that each fault meets a
 * closed breaker: without the gaps the breaker opened by the 503s would stay
 * open and the later faults would only ever meet half-open probes.
 */
export const FAILOVER_DEFAULTS: FailoverSettings = {
  ratePerSecond: 100,
  schedule: faultSchedule([
    ['healthy', 4, { kind: 'ok' }],
    ['primary 503', 6, { kind: 'status', status: 503 }],
    ['healthy', 5, { kind: 'ok' }],
    ['primary resets', 6, { kind: 'reset' }],
    ['healthy', 5, { kind: 'ok' }],
    ['primary hangs', 6, { kind: 'hang' }],
    ['recovered', 8, { kind: 'ok' }],
  ]),
  proxyConfig: {
    circuitBreaker: { failureThreshold: 5, recoveryTimeoutSeconds: 2, maxRecoveryTimeoutSeconds: 4, halfOpenMaxCalls: 3 },
    timeouts: { requestSeconds: 1, firstTokenSeconds: 1 },
  },
};

/** Runs the failover phase: three in-process mocks, the proxy as a child process. */
export async function runFailover(
  settings: FailoverSettings = FAILOVER_DEFAULTS,
  log: (line: string) => void = console.log,
): Promise<FailoverResult> {
  const mocks: MockUpstream[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ai-failover-bench-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, stringify(settings.proxyConfig));
  try {
    for (const name of ['region-a', 'region-b', 'region-c']) mocks.push(await startMockUpstream({ name }));
    const proxy = await startProxyProcess({ env: proxyEnv(mocks.map((m) => m.url), { [ENV.configPath]: configPath }) });
    try {
      const seconds = scheduleSeconds(settings.schedule);
      // warm-up (not recorded): JIT and connection pools, so the healthy phase is a fair baseline
      const target = { origin: proxy.url, path: PATHS.chatCompletions, body: chatBody(false), stream: false };
      await closedLoop(target, { concurrency: 4, durationMs: 1000, maxRequests: 2000 });
      let current = -1;
      const samples = await openLoop(
        target,
        {
          ratePerSecond: settings.ratePerSecond,
          durationMs: seconds * 1000,
          maxRequests: settings.ratePerSecond * seconds,
          requestTimeoutMs: 10_000,
          onTick: (atMs) => {
            const index = phaseIndexAt(settings.schedule, atMs);
            if (index !== current) {
              current = index;
              mocks[0].setMode(settings.schedule[index].mode);
              log(`  t=${(atMs / 1000).toFixed(1)}s ${settings.schedule[index].label}`);
            }
          },
        },
      );
      const timeline = bucketize(samples, seconds, FAILOVER_UPSTREAMS);
      const sum = totals(timeline);
      const all = summarize(samples.map((s) => s.latencyMs));
      const perPhase = settings.schedule.map((phase) => {
        const inPhase = samples.filter((s) => s.sentAtMs >= phase.startSecond * 1000 && s.sentAtMs < phase.endSecond * 1000);
        const t = totals(bucketize(inPhase, seconds, FAILOVER_UPSTREAMS));
        const latency = summarize(inPhase.map((s) => s.latencyMs));
        return { label: phase.label, sent: t.sent, served: t.served, errors: t.errors, p99Ms: round(latency.p99, 2), maxMs: round(latency.max, 1) };
      });
      const baseline = samples.filter((s) => s.sentAtMs < settings.schedule[0].endSecond * 1000 && isSuccess(s.status));
      return {
        ratePerSecond: settings.ratePerSecond,
        upstreams: FAILOVER_UPSTREAMS,
        phases: settings.schedule.map((p) => ({ label: p.label, startSecond: p.startSecond, endSecond: p.endSecond, mode: p.mode.kind })),
        proxyConfig: settings.proxyConfig,
        totals: { ...sum, p50Ms: round(all.p50, 2), p99Ms: round(all.p99, 2) },
        baselineP99Ms: round(summarize(baseline.map((s) => s.latencyMs)).p99, 2),
        perPhase,
        timeline: timeline.map((b) => ({ ...b, p99Ms: round(b.p99Ms, 2) })),
      };
    } finally {
      await proxy.stop();
    }
  } finally {
    for (const m of mocks) await m.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
