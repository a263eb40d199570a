/**
 * `npm run bench`: the proxy against its references (direct, nginx, the
 * minimal Node pass-through), failover timeline and memory, all on
 * 127.0.0.1 against the project's mock upstreams. Writes bench/results/*.json,
 * bench/results/failover-timeline.svg and BENCHMARKS.md.
 *
 * `tsx bench/run.ts [overhead] [failover] [memory]` runs only those phases;
 * the others are read from their last results file for BENCHMARKS.md.
 * `tsx bench/run.ts --render` writes BENCHMARKS.md again from the last
 * results (e.g. after editing bench/profile-findings.md), running nothing.
 * `BENCH_BEFORE_BUNDLE=<file>` (and `BENCH_BEFORE_LABEL`) measures an
 * earlier build of the proxy beside the current one, in the same run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runFailover, type FailoverResult } from './failover';
import { machineInfo, type MachineInfo } from './lib/machine';
import { bundlePath, PACKAGE_ROOT } from './lib/proxy-process';
import { renderReport } from './lib/report';
import { targetHeader, targetRows, textTable } from './lib/report-overhead';
import { timelineSvg } from './lib/svg-timeline';
import { runMemory, type MemoryResult } from './memory';
import { runOverhead, type OverheadResult } from './overhead';
import type { ProfileResult } from './profile';
import { runSharedStatePhase, type SharedStateBenchResult } from './shared-state';

const PHASES = ['overhead', 'failover', 'memory', 'shared-state'] as const;
type Phase = (typeof PHASES)[number];

const RESULTS_DIR = join(PACKAGE_ROOT, 'bench', 'results');

const FINDINGS = join(PACKAGE_ROOT, 'bench', 'profile-findings.md');

function writeJson(name: string, value: unknown): void {
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
}

function readJson<T>(name: string): T | undefined {
  const path = join(RESULTS_DIR, `${name}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

function parsePhases(argv: readonly string[]): Phase[] {
  if (argv.length === 0) return [...PHASES];
  for (const arg of argv) {
    if (!(PHASES as readonly string[]).includes(arg)) {
      throw new Error(`unknown benchmark phase ${JSON.stringify(arg)}: expected any of ${PHASES.join(', ')}`);
    }
  }
  return PHASES.filter((p) => argv.includes(p));
}

/** BENCHMARKS.md from one run's results plus the last profiles, findings and shared-state figures. */
interface RunResults {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly overhead: OverheadResult;
  readonly failover: FailoverResult;
  readonly memory: MemoryResult;
}

function writeReport(run: RunResults): void {
  writeFileSync(join(PACKAGE_ROOT, 'BENCHMARKS.md'), renderReport({
    ...run,
    command: 'npm run bench',
    profile: readJson<ProfileResult>('profile'),
    profileBefore: readJson<ProfileResult>('profile-before'),
    findings: existsSync(FINDINGS) ? readFileSync(FINDINGS, 'utf8') : undefined,
    sharedState: readJson<SharedStateBenchResult>('shared-state'),
  }));
}

/** `--render`: BENCHMARKS.md again from bench/results/ (the run's time and machine from machine.json). */
function renderOnly(): void {
  const meta = readJson<MachineInfo & { startedAt: string; durationSeconds: number }>('machine');
  const overhead = readJson<OverheadResult>('overhead');
  const failover = readJson<FailoverResult>('failover');
  const memory = readJson<MemoryResult>('memory');
  if (!meta || !overhead || !failover || !memory) throw new Error(`--render needs machine, overhead, failover and memory results in ${RESULTS_DIR}: run \`npm run bench\` first`);
  writeReport({ startedAt: meta.startedAt, durationSeconds: meta.durationSeconds, machine: meta, overhead, failover, memory });
  console.log('wrote BENCHMARKS.md from bench/results/');
}

async function main(): Promise<void> {
  if (process.argv.includes('--render')) {
    renderOnly();
    return;
  }
  const phases = parsePhases(process.argv.slice(2));
  bundlePath();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  console.log(`machine: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, ${machine.os}, Node ${machine.node}, load average ${machine.loadAverage?.join(' / ') ?? 'n/a'}`);

  let overhead = readJson<OverheadResult>('overhead');
  let failover = readJson<FailoverResult>('failover');
  let memory = readJson<MemoryResult>('memory');

  if (phases.includes('overhead')) {
    console.log('\n== the proxy against its references (wrk max throughput, fixed-rate latency)');
    overhead = await runOverhead();
    writeJson('overhead', overhead);
    console.log(`\n${textTable(targetHeader(overhead), targetRows(overhead))}`);
  }
  if (phases.includes('failover')) {
    console.log('\n== failover timeline (open loop)');
    failover = await runFailover();
    writeJson('failover', failover);
    const svg = timelineSvg(failover.timeline, {
      title: `Failover at ${failover.ratePerSecond} req/s while the primary fails: 503 → resets → hangs → recovers (${failover.totals.errors} client-visible errors)`,
      upstreams: failover.upstreams,
      phases: failover.phases,
    });
    writeFileSync(join(RESULTS_DIR, 'failover-timeline.svg'), svg);
    for (const p of failover.perPhase) {
      console.log(`  ${p.label.padEnd(18)} sent ${String(p.sent).padStart(5)}  ${failover.upstreams.map((u) => `${u} ${String(p.served[u] ?? 0).padStart(5)}`).join('  ')}  errors ${p.errors}  p99 ${p.p99Ms} ms  max ${p.maxMs} ms`);
    }
    console.log(`  total: sent ${failover.totals.sent}, errors ${failover.totals.errors}, p99 ${failover.totals.p99Ms} ms (healthy p99 ${failover.baselineP99Ms} ms)`);
  }
  if (phases.includes('memory')) {
    console.log('\n== memory (RSS of the proxy process)');
    memory = await runMemory();
    writeJson('memory', memory);
  }
  if (phases.includes('shared-state')) writeJson('shared-state', await runSharedStatePhase());

  const durationSeconds = (performance.now() - started) / 1000;
  writeJson('machine', { ...machine, startedAt, durationSeconds: Math.round(durationSeconds), phases });
  if (overhead && failover && memory) {
    const command = phases.length === PHASES.length ? 'npm run bench' : `npm run bench -- ${phases.join(' ')}`;
    writeReport({ startedAt, durationSeconds, machine, overhead, failover, memory });
    console.log(`\nwrote BENCHMARKS.md and bench/results/ in ${durationSeconds.toFixed(0)} s${command === 'npm run bench' ? '' : ` (phases run now: ${phases.join(', ')})`}`);
  } else {
    console.log(`\nwrote bench/results/ in ${durationSeconds.toFixed(0)} s; BENCHMARKS.md needs results of every phase`);
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
