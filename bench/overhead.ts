/**
 * Proxy overhead: the same closed-loop load sent straight to a mock upstream
 * and through the proxy, in one run, non-streamed and streamed (TTFB).
 * Latency at concurrency 1; max throughput over a concurrency sweep.
 */
import { PATHS } from '../src/contract';
import { chatBody, proxyEnv } from './lib/env';
import { closedLoop, type ClosedLoopResult, type LoadTarget } from './lib/load';
import { startMockProcess } from './lib/mock-process';
import { startProxyProcess } from './lib/proxy-process';
import { ratio, round, summarize, type LatencySummary } from './lib/stats';

/** Settings of the overhead phase. */
export interface OverheadSettings {
  readonly concurrencies: readonly number[];
  /** Length of one measured step, per target. */
  readonly stepMs: number;
  readonly warmupMs: number;
  readonly maxRequestsPerStep: number;
}

/** One concurrency step of one target. */
export interface OverheadStep {
  readonly concurrency: number;
  readonly throughputRps: number;
  readonly errors: number;
  readonly latencyMs: LatencySummary;
}

/** Direct vs proxied figures of one request kind. */
export interface OverheadComparison {
  readonly kind: 'non-streamed' | 'streamed (TTFB)';
  readonly direct: readonly OverheadStep[];
  readonly proxied: readonly OverheadStep[];
  /** At concurrency 1. */
  readonly addedLatencyP50Ms: number;
  readonly addedLatencyP99Ms: number;
  readonly maxThroughputDirectRps: number;
  readonly maxThroughputProxiedRps: number;
  /** proxied / direct max throughput. */
  readonly throughputRatio: number;
}

/** Result of {@link runOverhead}. */
export interface OverheadResult {
  readonly settings: OverheadSettings;
  readonly comparisons: readonly OverheadComparison[];
}

/** Default settings: 3 concurrencies × 3 s per target and kind (~40 s). */
export const OVERHEAD_DEFAULTS: OverheadSettings = {
  concurrencies: [1, 16, 64],
  stepMs: 3000,
  warmupMs: 1000,
  maxRequestsPerStep: 200_000,
};

function step(r: ClosedLoopResult): OverheadStep {
  const latency = summarize(r.latenciesMs);
  return {
    concurrency: r.concurrency,
    throughputRps: round(r.throughputRps, 1),
    errors: r.errors,
    latencyMs: {
      count: latency.count,
      p50: round(latency.p50, 3),
      p90: round(latency.p90, 3),
      p99: round(latency.p99, 3),
      max: round(latency.max, 3),
      mean: round(latency.mean, 3),
    },
  };
}

/** Runs the overhead phase with a mock process and a proxy process of its own. */
export async function runOverhead(
  settings: OverheadSettings = OVERHEAD_DEFAULTS,
  log: (line: string) => void = console.log,
): Promise<OverheadResult> {
  const mock = await startMockProcess();
  const proxy = await startProxyProcess({ env: proxyEnv([mock.url]) }).catch(async (error: unknown) => {
    await mock.stop();
    throw error;
  });
  try {
    const mockOrigin = new URL(mock.url).origin;
    const comparisons: OverheadComparison[] = [];
    for (const stream of [false, true]) {
      const kind = stream ? 'streamed (TTFB)' : 'non-streamed';
      const direct: LoadTarget = { origin: mockOrigin, path: PATHS.chatCompletions, body: chatBody(stream), stream };
      const proxied: LoadTarget = { ...direct, origin: proxy.url };
      for (const target of [direct, proxied]) {
        await closedLoop(target, { concurrency: 8, durationMs: settings.warmupMs, maxRequests: settings.maxRequestsPerStep });
      }
      const directSteps: OverheadStep[] = [];
      const proxiedSteps: OverheadStep[] = [];
      for (const concurrency of settings.concurrencies) {
        // alternate direct/proxied at each step so drift affects both alike
        const d = step(await closedLoop(direct, { concurrency, durationMs: settings.stepMs, maxRequests: settings.maxRequestsPerStep }));
        const p = step(await closedLoop(proxied, { concurrency, durationMs: settings.stepMs, maxRequests: settings.maxRequestsPerStep }));
        directSteps.push(d);
        proxiedSteps.push(p);
        log(`  ${kind.padEnd(16)} c=${String(concurrency).padStart(3)}  direct ${d.throughputRps.toFixed(0).padStart(6)} rps p50 ${d.latencyMs.p50.toFixed(2)} ms p99 ${d.latencyMs.p99.toFixed(2)} ms | proxied ${p.throughputRps.toFixed(0).padStart(6)} rps p50 ${p.latencyMs.p50.toFixed(2)} ms p99 ${p.latencyMs.p99.toFixed(2)} ms`);
      }
      const d1 = directSteps[0];
      const p1 = proxiedSteps[0];
      const maxD = Math.max(...directSteps.map((s) => s.throughputRps));
      const maxP = Math.max(...proxiedSteps.map((s) => s.throughputRps));
      comparisons.push({
        kind,
        direct: directSteps,
        proxied: proxiedSteps,
        addedLatencyP50Ms: round(p1.latencyMs.p50 - d1.latencyMs.p50, 3),
        addedLatencyP99Ms: round(p1.latencyMs.p99 - d1.latencyMs.p99, 3),
        maxThroughputDirectRps: maxD,
        maxThroughputProxiedRps: maxP,
        throughputRatio: ratio(maxP, maxD, 3),
      });
    }
    return { settings, comparisons };
  } finally {
    await proxy.stop();
    await mock.stop();
  }
}
