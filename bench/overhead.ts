/**
 * Proxy overhead against references, in one run: the mock straight, nginx
 * (when installed), the minimal Node pass-through and the proxy with a
 * production config, all in front of one mock process. Per target: max
 * throughput with wrk (non-streamed and streamed), latency at a fixed rate
 * (open loop) and streamed time to first byte at that rate.
 */
import { PATHS } from '../src/contract';
import { chatBody, PRODUCTION_EXTRA_ENV, proxyEnv } from './lib/env';
import { closedLoop, openLoop, type LoadTarget } from './lib/load';
import { startMockProcess } from './lib/mock-process';
import { startNginxProcess } from './lib/nginx-process';
import { startPassthroughProcess } from './lib/passthrough-process';
import { cpuTimeMs, startProxyProcess } from './lib/proxy-process';
import { round, summarize } from './lib/stats';
import { beforeBundle, TARGETS } from './lib/targets';
import { maxThroughput, type ThroughputResult } from './lib/wrk';

/** Settings of the overhead phase. */
export interface OverheadSettings {
  /** Connections of the max-throughput runs. */
  readonly connections: number;
  /** Length of one max-throughput run, per target, kind and round. */
  readonly throughputMs: number;
  /** Requests per second of the fixed-rate latency runs. */
  readonly ratePerSecond: number;
  /** Length of one fixed-rate run, per target, kind and round. */
  readonly fixedRateMs: number;
  /** Every run is repeated this many times, targets interleaved, so drift affects all alike. */
  readonly rounds: number;
  readonly warmupMs: number;
  /** Cap on requests of one closed-loop run (undici fallback and warm-up). */
  readonly maxRequestsPerRun: number;
}

/** Latency at the fixed rate, in ms. */
export interface FixedRateLatency {
  readonly count: number;
  readonly errors: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** Max throughput of one target and the CPU it used per request meanwhile. */
export interface TargetThroughput extends ThroughputResult {
  /** CPU time (user + system) of the target's process per successful request, in µs; NaN without /proc. */
  readonly cpuUsPerRequest: number;
}

/** Every figure of one target. */
export interface TargetFigures {
  readonly name: string;
  /** What the target is, e.g. `nginx/1.22.1, 1 worker, keep-alive upstream`. */
  readonly detail: string;
  /** Best of the rounds. */
  readonly throughput: { readonly nonStreamed: TargetThroughput; readonly streamed: TargetThroughput };
  /**
   * Pooled over the rounds; `streamedTtfb` is time to the first body chunk,
   * `streamedFirstContent` to the first chunk with content (absent in results
   * written before it was measured).
   */
  readonly fixedRate: {
    readonly nonStreamed: FixedRateLatency;
    readonly streamedTtfb: FixedRateLatency;
    readonly streamedFirstContent?: FixedRateLatency;
  };
}

/** Result of {@link runOverhead}. */
export interface OverheadResult {
  readonly settings: OverheadSettings;
  /** Load tool of the max-throughput runs. */
  readonly tool: 'wrk' | 'undici';
  /** Targets in table order; nginx only when installed. */
  readonly targets: readonly TargetFigures[];
}

/** Default: 2 rounds × (3 s wrk + 4 s at 500 req/s) per target and kind (~2 minutes with 4 targets). */
export const OVERHEAD_DEFAULTS: OverheadSettings = {
  connections: 50,
  throughputMs: 3000,
  ratePerSecond: 500,
  fixedRateMs: 4000,
  rounds: 2,
  warmupMs: 1000,
  maxRequestsPerRun: 200_000,
};

interface RunningTarget {
  readonly name: string;
  readonly detail: string;
  readonly origin: string;
  readonly pid: number;
  stop(): Promise<void>;
}

function fixedRate(samples: ReadonlyArray<{ latencyMs: number; status: number }>): FixedRateLatency {
  const ok = samples.filter((s) => s.status >= 200 && s.status < 300);
  const latency = summarize(ok.map((s) => s.latencyMs));
  return { count: ok.length, errors: samples.length - ok.length, p50: round(latency.p50, 3), p90: round(latency.p90, 3), p99: round(latency.p99, 3) };
}

function best(runs: readonly TargetThroughput[]): TargetThroughput {
  return runs.reduce((a, b) => (b.rps > a.rps ? b : a));
}

async function startTargets(): Promise<RunningTarget[]> {
  const started: RunningTarget[] = [];
  try {
    const mock = await startMockProcess();
    const mockOrigin = new URL(mock.url).origin;
    started.push({ name: TARGETS.direct, detail: 'the mock upstream itself (one Node process)', origin: mockOrigin, pid: mock.pid, stop: () => mock.stop() });
    const nginx = await startNginxProcess(mockOrigin);
    if (nginx) started.push({ name: TARGETS.nginx, detail: `${nginx.version}, 1 worker, keep-alive upstream, no buffering`, origin: nginx.url, pid: nginx.pid, stop: () => nginx.stop() });
    const passthrough = await startPassthroughProcess(mockOrigin);
    started.push({ name: TARGETS.passthrough, detail: 'node:http + one undici Pool, body buffered, response streamed; bench/targets/minimal-passthrough.ts, bundled, run by plain node', origin: passthrough.url, pid: passthrough.pid, stop: () => passthrough.stop() });
    const features = 'client keys, rate limit (60M/min), breakers, retry budget, metrics, pricing, a backup upstream, JSON log line per request at info to /dev/null';
    const before = beforeBundle();
    if (before) {
      const old = await startProxyProcess({ env: proxyEnv([mock.url, mock.url], PRODUCTION_EXTRA_ENV), bundle: before.path });
      started.push({ name: TARGETS.proxyBefore, detail: `${before.label}; same config`, origin: old.url, pid: old.pid, stop: () => old.stop() });
    }
    const proxy = await startProxyProcess({ env: proxyEnv([mock.url, mock.url], PRODUCTION_EXTRA_ENV) });
    started.push({ name: TARGETS.proxy, detail: `the bundle (lib/runtime/ai-failover-proxy.js); ${features}`, origin: proxy.url, pid: proxy.pid, stop: () => proxy.stop() });
    return started;
  } catch (error) {
    for (const t of started.reverse()) await t.stop();
    throw error;
  }
}

/** Runs the overhead phase; every process it starts is stopped by PID at the end. */
export async function runOverhead(
  settings: OverheadSettings = OVERHEAD_DEFAULTS,
  log: (line: string) => void = console.log,
): Promise<OverheadResult> {
  const targets = await startTargets();
  try {
    const request = (origin: string, stream: boolean): LoadTarget => ({ origin, path: PATHS.chatCompletions, body: chatBody(stream, true), stream });
    for (const t of targets) {
      for (const stream of [false, true]) {
        await closedLoop(request(t.origin, stream), { concurrency: 8, durationMs: settings.warmupMs, maxRequests: settings.maxRequestsPerRun });
      }
    }
    type Sample = { latencyMs: number; status: number; firstContentMs?: number };
    const throughput = new Map(targets.map((t) => [t.name, { nonStreamed: [] as TargetThroughput[], streamed: [] as TargetThroughput[] }]));
    const latency = new Map(targets.map((t) => [t.name, { nonStreamed: [] as Sample[], streamedTtfb: [] as Sample[] }]));
    let tool: 'wrk' | 'undici' = 'wrk';
    for (let pass = 1; pass <= settings.rounds; pass++) {
      for (const stream of [false, true]) {
        for (const t of targets) {
          const cpuBefore = cpuTimeMs(t.pid);
          const run = await maxThroughput(request(t.origin, stream), {
            connections: settings.connections,
            durationMs: settings.throughputMs,
            maxRequests: settings.maxRequestsPerRun,
          });
          const cpuUsPerRequest = round(((cpuTimeMs(t.pid) - cpuBefore) * 1000) / Math.max(1, run.requests - run.errors), 1);
          const r = { ...run, cpuUsPerRequest };
          tool = r.tool;
          throughput.get(t.name)![stream ? 'streamed' : 'nonStreamed'].push(r);
          const kind = stream ? 'streamed    ' : 'non-streamed';
          log(`  round ${pass} ${kind} ${t.name.padEnd(22)} ${String(r.rps).padStart(6)} req/s, ${cpuUsPerRequest.toFixed(0).padStart(4)} µs CPU per request (${r.tool}, errors ${r.errors})`);
        }
      }
      for (const stream of [false, true]) {
        for (const t of targets) {
          const samples = await openLoop(request(t.origin, stream), {
            ratePerSecond: settings.ratePerSecond,
            durationMs: settings.fixedRateMs,
            maxRequests: Math.ceil((settings.ratePerSecond * settings.fixedRateMs) / 1000),
            connections: 64,
          });
          latency.get(t.name)![stream ? 'streamedTtfb' : 'nonStreamed'].push(...samples);
          const f = fixedRate(samples);
          log(`  round ${pass} ${stream ? 'streamed TTFB' : 'non-streamed '} at ${settings.ratePerSecond}/s ${t.name.padEnd(22)} p50 ${f.p50.toFixed(3)} p90 ${f.p90.toFixed(3)} p99 ${f.p99.toFixed(3)} ms (errors ${f.errors})`);
        }
      }
    }
    return {
      settings,
      tool,
      targets: targets.map((t) => ({
        name: t.name,
        detail: t.detail,
        throughput: { nonStreamed: best(throughput.get(t.name)!.nonStreamed), streamed: best(throughput.get(t.name)!.streamed) },
        fixedRate: {
          nonStreamed: fixedRate(latency.get(t.name)!.nonStreamed),
          streamedTtfb: fixedRate(latency.get(t.name)!.streamedTtfb),
          // a stream that brought no content counts as an error of this figure
          streamedFirstContent: fixedRate(latency.get(t.name)!.streamedTtfb.map((s) => ({
            latencyMs: s.firstContentMs ?? s.latencyMs, status: s.firstContentMs === undefined ? 0 : s.status,
          }))),
        },
      })),
    };
  } finally {
    for (const t of [...targets].reverse()) await t.stop();
  }
}
