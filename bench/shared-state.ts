/**
 * The cost of shared state: the same proxy (production config: client keys,
 * rate limit on, breakers, metrics, per-request log line) with and without
 * REDIS_URL, in front of one mock, at the same fixed rate, rounds
 * interleaved, in one run. The Redis is a local redis-server (no
 * persistence) started and stopped here by its PID. Reports p50/p90/p99 of
 * both, the added p50 (goal: at most 0.3 ms) and the ratio.
 *
 * `tsx bench/shared-state.ts` runs it alone; `npm run bench` runs it as the
 * `shared-state` phase.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chatBody, PRODUCTION_EXTRA_ENV, proxyEnv } from './lib/env';
import { openLoop, type LoadTarget } from './lib/load';
import { startMockProcess } from './lib/mock-process';
import { freePort, startProxyProcess, type ProxyProcess } from './lib/proxy-process';
import { ratio, round, summarize, type LatencySummary } from './lib/stats';
import { ENV, PATHS } from '../src/contract';

/** Settings of the shared-state phase. */
export interface SharedStateBenchSettings {
  readonly ratePerSecond: number;
  /** Length of one fixed-rate run, per target and round. */
  readonly runMs: number;
  readonly rounds: number;
  readonly warmupMs: number;
}

/** Figures of the shared-state phase, latencies in ms. */
export interface SharedStateBenchResult {
  readonly settings: SharedStateBenchSettings;
  readonly redis: string;
  readonly off: LatencySummary & { readonly errors: number };
  readonly on: LatencySummary & { readonly errors: number };
  /** p50 with Redis minus p50 without. */
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  /** p50 with Redis / p50 without. */
  readonly p50Ratio: number;
  /** The goal: added p50 at most this. */
  readonly goalAddedP50Ms: number;
}

const DEFAULTS: SharedStateBenchSettings = { ratePerSecond: 500, runMs: 4000, rounds: 3, warmupMs: 1000 };
const GOAL_ADDED_P50_MS = 0.3;

/** A redis-server child on a free loopback port, without persistence. */
async function startRedisServer(): Promise<{ url: string; version: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server not ready within 5 s: ${output.slice(-300)}`)), 5000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not start (is the redis-server package installed?): ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output.slice(-300)}`));
    });
  });
  const version = /(?:v=|version=|Redis version=)(\d+\.\d+\.\d+)/.exec(output)?.[1] ?? 'unknown';
  return {
    url: `redis://127.0.0.1:${port}`,
    version,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** Runs the phase: proxies with and without shared state, interleaved rounds at one fixed rate. */
export async function runSharedState(settings: SharedStateBenchSettings = DEFAULTS): Promise<SharedStateBenchResult> {
  const mock = await startMockProcess();
  const redis = await startRedisServer();
  const proxies: ProxyProcess[] = [];
  try {
    const env = proxyEnv([mock.url], PRODUCTION_EXTRA_ENV);
    const off = await startProxyProcess({ env });
    proxies.push(off);
    const on = await startProxyProcess({ env: { ...env, [ENV.redisUrl]: redis.url, [ENV.deploymentName]: 'bench' } });
    proxies.push(on);
    const target = (origin: string): LoadTarget => ({ origin, path: PATHS.chatCompletions, body: chatBody(false), stream: false });
    const run = (origin: string, durationMs: number) => openLoop(target(origin), {
      ratePerSecond: settings.ratePerSecond, durationMs, maxRequests: Math.ceil((settings.ratePerSecond * durationMs) / 1000) + 1, connections: 64,
    });
    await run(off.url, settings.warmupMs);
    await run(on.url, settings.warmupMs);
    const samples = { off: [] as number[], on: [] as number[] };
    const errors = { off: 0, on: 0 };
    for (let roundIndex = 0; roundIndex < settings.rounds; roundIndex++) {
      // alternate which goes first, so drift affects both alike
      const order: Array<'off' | 'on'> = roundIndex % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      for (const which of order) {
        const results = await run(which === 'off' ? off.url : on.url, settings.runMs);
        for (const r of results) {
          if (r.status === 200) samples[which].push(r.latencyMs);
          else errors[which] += 1;
        }
      }
    }
    const offSummary = summarize(samples.off);
    const onSummary = summarize(samples.on);
    return {
      settings,
      redis: `redis-server ${redis.version} on 127.0.0.1 (no persistence)`,
      off: { ...roundSummary(offSummary), errors: errors.off },
      on: { ...roundSummary(onSummary), errors: errors.on },
      addedP50Ms: round(onSummary.p50 - offSummary.p50, 3),
      addedP99Ms: round(onSummary.p99 - offSummary.p99, 3),
      p50Ratio: ratio(onSummary.p50, offSummary.p50, 3),
      goalAddedP50Ms: GOAL_ADDED_P50_MS,
    };
  } finally {
    for (const proxy of proxies) await proxy.stop();
    await redis.stop();
    await mock.stop();
  }
}

function roundSummary(summary: LatencySummary): LatencySummary {
  const r3 = (value: number) => round(value, 3);
  return { count: summary.count, p50: r3(summary.p50), p90: r3(summary.p90), p99: r3(summary.p99), max: r3(summary.max), mean: r3(summary.mean) };
}

/** `+0.201` / `-1.500`. */
function signed(ms: number): string {
  return `${ms >= 0 ? '+' : ''}${ms.toFixed(3)}`;
}

/** Text lines of the phase's result. */
export function sharedStateLines(result: SharedStateBenchResult): string[] {
  const row = (name: string, s: SharedStateBenchResult['off']) =>
    `${name.padEnd(22)} p50 ${s.p50.toFixed(3)} ms  p90 ${s.p90.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms  (${s.count} requests, ${s.errors} errors)`;
  const verdict = result.addedP50Ms <= result.goalAddedP50Ms ? 'within' : 'ABOVE';
  return [
    `${result.settings.ratePerSecond} req/s, ${result.settings.rounds} interleaved rounds of ${result.settings.runMs / 1000} s, ${result.redis}`,
    row('shared state off', result.off),
    row('shared state on', result.on),
    `added by Redis: p50 ${signed(result.addedP50Ms)} ms (ratio ${result.p50Ratio.toFixed(3)}×), p99 ${signed(result.addedP99Ms)} ms; goal p50 ≤ +${result.goalAddedP50Ms} ms: ${verdict}`,
  ];
}

/** The `shared-state` phase of `npm run bench`: runs, prints its lines, returns the result for bench/results/shared-state.json. */
export async function runSharedStatePhase(): Promise<SharedStateBenchResult> {
  console.log('\n== shared state: added latency with Redis on vs off (same rate, same run)');
  const result = await runSharedState();
  console.log(sharedStateLines(result).join('\n'));
  return result;
}

if (require.main === module) {
  runSharedState().then(
    (result) => console.log(sharedStateLines(result).join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
