/**
 * `tsx bench/ab.ts <bundle> [<bundle> ...]`: a quick A/B of proxy builds
 * (e.g. the bundle of an earlier commit against lib/runtime/ai-failover-proxy.js)
 * beside the minimal pass-through, for iterating on a change: wrk at 50
 * connections, targets interleaved round by round, the median of the rounds
 * of each target's max throughput and CPU per request (the process's user +
 * system time over the requests it answered), with both as ratios to the
 * pass-through of the same run. A bundle may carry node flags after a space
 * (`"lib/runtime/ai-failover-proxy.js --max-semi-space-size=8"`).
 * `AB_ROUNDS` (3), `AB_DURATION_MS` (3000) and `AB_KINDS` (`plain,streamed`)
 * tune it. `npm run bench` stays the reference: this prints no latency,
 * memory or failover figures.
 */
import { PATHS } from '../src/contract';
import { chatBody, PRODUCTION_EXTRA_ENV, proxyEnv } from './lib/env';
import { startMockProcess } from './lib/mock-process';
import { startPassthroughProcess } from './lib/passthrough-process';
import { cpuTimeMs, startProxyProcess } from './lib/proxy-process';
import { maxThroughput } from './lib/wrk';

interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(argv: readonly string[]): Promise<void> {
  if (argv.length === 0) throw new Error('name at least one proxy bundle, e.g. lib/runtime/ai-failover-proxy.js');
  const rounds = Number(process.env.AB_ROUNDS ?? 3);
  const durationMs = Number(process.env.AB_DURATION_MS ?? 3000);
  const kinds = (process.env.AB_KINDS ?? 'plain,streamed').split(',');
  const mock = await startMockProcess();
  const targets: Target[] = [];
  try {
    const passthrough = await startPassthroughProcess(new URL(mock.url).origin);
    targets.push({ name: 'minimal pass-through', url: passthrough.url, pid: passthrough.pid, stop: () => passthrough.stop() });
    for (const spec of argv) {
      const [bundle, ...nodeArgs] = spec.split(' ');
      const proxy = await startProxyProcess({ env: proxyEnv([mock.url, mock.url], PRODUCTION_EXTRA_ENV), bundle, nodeArgs });
      targets.push({ name: spec, url: proxy.url, pid: proxy.pid, stop: () => proxy.stop() });
    }
    const seen = new Map<string, { rps: number[]; cpuUs: number[] }>();
    for (let round = 0; round < rounds; round++) {
      for (const kind of kinds) {
        for (const t of targets) {
          const stream = kind === 'streamed';
          const load = { origin: t.url, path: PATHS.chatCompletions, body: chatBody(stream, true), stream };
          if (round === 0) await maxThroughput(load, { connections: 50, durationMs: 1000, maxRequests: 1_000_000 });
          const before = cpuTimeMs(t.pid);
          const run = await maxThroughput(load, { connections: 50, durationMs, maxRequests: 1_000_000 });
          const cpuMs = cpuTimeMs(t.pid) - before;
          const entry = seen.get(`${kind} ${t.name}`) ?? { rps: [], cpuUs: [] };
          entry.rps.push(run.rps);
          entry.cpuUs.push((cpuMs * 1000) / Math.max(1, run.requests - run.errors));
          seen.set(`${kind} ${t.name}`, entry);
          if (run.errors > 0) console.log(`  ${kind} ${t.name}: ${run.errors} errors`);
        }
      }
    }
    for (const kind of kinds) {
      const base = seen.get(`${kind} ${targets[0].name}`)!;
      for (const t of targets) {
        const e = seen.get(`${kind} ${t.name}`)!;
        const rps = median(e.rps);
        const cpu = median(e.cpuUs);
        console.log(`${kind.padEnd(9)} ${t.name.padEnd(48)} ${rps.toFixed(0).padStart(6)} req/s (${(rps / median(base.rps)).toFixed(2)}×)  ${cpu.toFixed(0).padStart(4)} µs CPU/req (${(cpu / median(base.cpuUs)).toFixed(2)}×)`);
      }
    }
  } finally {
    for (const t of targets) await t.stop();
    await mock.stop();
  }
}

main(process.argv.slice(2)).then(() => process.exit(0), (error: unknown) => {
  console.error(`ab failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
