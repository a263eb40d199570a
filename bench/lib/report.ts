/**
 * Renders BENCHMARKS.md from the results of one `npm run bench` (plus the
 * baseline run and the profiles when present). Pure: takes the result
 * objects, returns markdown.
 */
import type { FailoverResult } from '../failover';
import type { MachineInfo } from './machine';
import type { MemoryResult } from '../memory';
import type { OverheadResult } from '../overhead';
import type { ProfileResult } from '../profile';
import type { SharedStateBenchResult } from '../shared-state';
import type { TimeRow } from './cpu-profile';
import { beforeAfterRows, fmt, goalRows, table, targetHeader, targetRows } from './report-overhead';
import { TARGETS } from './targets';

export { fmt, table } from './report-overhead';

/** Everything one run produced. */
export interface BenchReport {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly overhead: OverheadResult;
  readonly failover: FailoverResult;
  readonly memory: MemoryResult;
  /** The last `tsx bench/profile.ts` of the current code. */
  readonly profile?: ProfileResult;
  /** The last `tsx bench/profile.ts --before` (an earlier build). */
  readonly profileBefore?: ProfileResult;
  /** Hand-written findings of the profile (bench/profile-findings.md), included as they are. */
  readonly findings?: string;
  /** The shared-state phase (Redis on vs off), when it ran. */
  readonly sharedState?: SharedStateBenchResult;
}

/** Above this p99 (ms) of direct requests at the fixed rate, the run was disturbed by other load. */
const BUSY_DIRECT_P99_MS = 5;

function profileTable(after: readonly TimeRow[] | undefined, before: readonly TimeRow[] | undefined, top: number, label: string): string {
  const main = after ?? before ?? [];
  const other = after ? before : undefined;
  const header = other ? [label, 'share of busy CPU', 'before'] : [label, 'share of busy CPU'];
  return table(header, main.slice(0, top).map((row) => {
    const cells = [`\`${row.name}\``, `${fmt(row.percent, 1)} %`];
    if (other) {
      const was = other.find((o) => o.name === row.name);
      cells.push(was ? `${fmt(was.percent, 1)} %` : '—');
    }
    return cells;
  }));
}

/** The whole BENCHMARKS.md. */
export function renderReport(r: BenchReport): string {
  const m = r.machine;
  const o = r.overhead;
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(`Measured by \`${r.command}\` on ${r.startedAt} (${fmt(r.durationSeconds, 0)} s). Every figure is compared with references measured **in the same run** on the same machine; absolute numbers depend on the machine and on what else runs on it, the ratios much less. Raw results: [\`bench/results/\`](bench/results/).`);
  out.push('');
  out.push(table(['machine', ''], [
    ['CPU', `${m.cpuCount} × ${m.cpuModel}`],
    ['memory', `${fmt(m.totalMemoryGiB, 1)} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
    ...(m.loadAverage ? [['load average at the start (1 / 5 / 15 min)', m.loadAverage.map((v) => fmt(v)).join(' / ')]] : []),
  ]));
  out.push('');
  out.push('Setup: everything on 127.0.0.1, each target in its own process in front of one mock upstream process (`runtime/mock/mock-upstream.ts`, which answers at once), so the figures are each target\'s own cost, not a model\'s. Streamed requests ask for the usage chunk (`stream_options.include_usage`), as the proxy does on its own, so every target gets the same bytes from the mock.');
  out.push('');

  out.push('## The proxy against its references');
  out.push('');
  out.push('Targets:');
  out.push('');
  for (const t of o.targets) out.push(`- **${t.name}**: ${t.detail}.`);
  out.push('');
  out.push(`Max throughput: ${o.tool === 'wrk' ? 'wrk' : 'the undici closed loop (wrk is not installed)'}, ${o.settings.connections} connections, ${fmt(o.settings.throughputMs / 1000, 0)} s per run, best of ${o.settings.rounds} rounds (targets interleaved); a streamed request counts when its stream ended. CPU per request is the target process's user + system time during that run (/proc) over the requests it answered. Latency: an open loop at a fixed ${o.settings.ratePerSecond} req/s (sent on schedule whatever the answers, so slow answers cannot hide), ${fmt(o.settings.fixedRateMs / 1000, 0)} s per target, kind and round, pooled over the rounds; "added" is over direct. Streamed TTFB is the time to the first body chunk at the same rate.`);
  out.push('');
  out.push(table(targetHeader(o), targetRows(o)));
  out.push('');
  out.push('### Goals');
  out.push('');
  out.push('Relative to the minimal pass-through of the same run (the cost floor of a Node.js proxy), with the proxy\'s production features on.');
  out.push('');
  out.push(table(['goal', 'measured', 'holds'], goalRows(o, r.memory)));
  out.push('');
  const firstContent = firstContentNote(o);
  if (firstContent) {
    out.push(firstContent);
    out.push('');
  }
  const direct = o.targets.find((t) => t.name === TARGETS.direct)?.fixedRate.nonStreamed;
  if (direct && direct.p99 > BUSY_DIRECT_P99_MS) {
    out.push(`The machine was busy during this run: the mock answered direct requests at p99 ${fmt(direct.p99)} ms (it answers at once; on a quiet machine its p99 stays under ${BUSY_DIRECT_P99_MS} ms), so the p90 and p99 figures measure the other load on the machine as much as the targets; the throughput ratios and CPU per request are the steadier figures.`);
    out.push('');
  }
  const beforeAfter = beforeAfterRows(o, r.memory, { before: r.profileBefore, after: r.profile });
  if (beforeAfter) {
    out.push('### Before and after');
    out.push('');
    out.push(`Before: ${o.targets.find((t) => t.name === TARGETS.proxyBefore)?.detail ?? 'an earlier build'}, measured in this same run beside the current build (\`BENCH_BEFORE_BUNDLE\`), so both met the same machine load.`);
    out.push('');
    out.push(table(['figure', 'before', 'after'], beforeAfter));
    out.push('');
  }
  const before = r.profileBefore;
  if (r.profile || before) {
    const p = r.profile ?? before!;
    out.push('## Where the proxy\'s CPU goes');
    out.push('');
    out.push(`\`tsx bench/profile.ts\`: the proxy built unminified and run with \`node --cpu-prof\` under wrk (${p.settings.connections} connections, ${fmt(p.settings.durationMs / 1000, 0)} s each of ${(p.settings.kinds ?? ['plain', 'streamed']).join(' then ')}), production config. ${p.requests} requests, ${fmt(p.cpuUsPerRequest, 0)} µs of CPU per request under the profiler${r.profile && before ? ` (before: ${fmt(before.cpuUsPerRequest, 0)} µs)` : ''}. Shares are of the process's busy (non-idle) time; "(native)" is mostly the socket writes (\`writev\`) and the kernel's loopback work they carry.`);
    out.push('');
    out.push(profileTable(r.profile?.summary.selfByFunction, before?.summary.selfByFunction, 20, 'self time by function'));
    out.push('');
    out.push(profileTable(r.profile?.summary.inclusiveByOwnFunction, before?.summary.inclusiveByOwnFunction, 15, 'inclusive time of the proxy\'s own functions'));
    out.push('');
    out.push(profileTable(r.profile?.summary.inclusiveByModule, before?.summary.inclusiveByModule, 20, 'inclusive time by module (a sample counts once per module on its stack)'));
    out.push('');
  }
  if (r.findings) {
    out.push(r.findings.trim());
    out.push('');
  }

  const f = r.failover;
  out.push('## Failover');
  out.push('');
  out.push(`${f.ratePerSecond} requests per second (open loop: sent on schedule whatever the answers) through the proxy in front of three mock regions, while the primary answers 503, then resets every connection, then hangs, then recovers; between two faults it is healthy for a few seconds, so that each fault meets a closed breaker (otherwise the breaker opened by the 503s stays open and later faults only meet half-open probes). Proxy tuning for the run: \`${JSON.stringify(f.proxyConfig)}\`.`);
  out.push('');
  out.push('![failover timeline](bench/results/failover-timeline.svg)');
  out.push('');
  out.push(table(['phase', 'seconds', 'sent', ...f.upstreams.map((u) => `served by ${u}`), 'client-visible errors', 'p99 (ms)', 'p99 / healthy p99', 'max (ms)'], f.perPhase.map((p, i) => [
    p.label,
    `${f.phases[i].startSecond}–${f.phases[i].endSecond}`,
    String(p.sent),
    ...f.upstreams.map((u) => String(p.served[u] ?? 0)),
    String(p.errors),
    fmt(p.p99Ms),
    `${fmt(p.p99Ms / f.baselineP99Ms, 1)}×`,
    fmt(p.maxMs, 0),
  ])));
  out.push('');
  out.push(`Totals: ${f.totals.sent} requests sent, ${f.upstreams.map((u) => `${f.totals.served[u] ?? 0} served by ${u}`).join(', ')}, **${f.totals.errors} client-visible errors**; p50 ${fmt(f.totals.p50Ms)} ms, p99 ${fmt(f.totals.p99Ms)} ms over the whole run (healthy p99 ${fmt(f.baselineP99Ms)} ms). The hang phase costs up to one per-try timeout (\`timeouts.requestSeconds\`) on the requests in flight to the primary until its breaker opens, and on each half-open probe.`);
  out.push('');

  const mem = r.memory;
  out.push('## Memory');
  out.push('');
  out.push(`RSS of each process idle (after a short warm-up) and with ${mem.settings.streams.toLocaleString('en-US')} concurrent open streams (mock waits ${fmt(mem.settings.chunkDelayMs / 1000, 0)} s between chunks), same process, same run.`);
  out.push('');
  out.push(table(['target', 'idle RSS (MiB)', `RSS with ${mem.settings.streams} streams (MiB)`, 'loaded / idle', 'per stream (KiB)', 'streams open (client / target)'], mem.targets.map((t) => [
    t.name, fmt(t.idleRssMiB, 1), fmt(t.loadedRssMiB, 1), `${fmt(t.rssRatio)}×`, fmt(t.perStreamKiB, 1), `${t.streamsWithHeaders} / ${t.openStreamsSeen ?? 'n/a'}`,
  ])));
  out.push('');
  const s = r.sharedState;
  if (s) {
    out.push('## Shared state');
    out.push('');
    out.push(`The same proxy with and without \`REDIS_URL\` (${s.redis}) at a fixed ${s.settings.ratePerSecond} req/s, ${s.settings.rounds} interleaved rounds of ${fmt(s.settings.runMs / 1000, 0)} s each (\`bench/shared-state.ts\`). Goal: at most +${fmt(s.goalAddedP50Ms, 1)} ms at p50.`);
    out.push('');
    out.push(table(['shared state', 'requests', 'errors', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)'], [
      ['off', String(s.off.count), String(s.off.errors), fmt(s.off.p50), fmt(s.off.p90), fmt(s.off.p99)],
      ['on (Redis)', String(s.on.count), String(s.on.errors), fmt(s.on.p50), fmt(s.on.p90), fmt(s.on.p99)],
    ]));
    out.push('');
    out.push(`Added by Redis: ${fmt(s.addedP50Ms)} ms at p50 (${s.addedP50Ms <= s.goalAddedP50Ms ? 'within' : '**over**'} the goal), ${fmt(s.addedP99Ms)} ms at p99.`);
    out.push('');
  }
  out.push('## Reproduce');
  out.push('');
  out.push('```sh');
  out.push(r.command);
  out.push('npx tsx bench/profile.ts   # the CPU profile');
  out.push('```');
  out.push('');
  out.push('`npm run bench` bundles the runtime, runs the phases (each bounded by a fixed duration and a request cap; a few minutes in all), writes `bench/results/*.json` and `bench/results/failover-timeline.svg`, and rewrites this file; nginx is measured when installed (on PATH or /usr/sbin), wrk is used when installed (else an undici closed loop). `BENCH_BEFORE_BUNDLE=<file> BENCH_BEFORE_LABEL=<text>` measures an earlier build of the proxy beside the current one (the before/after table); `tsx bench/profile.ts --before --source <dir>` profiles the runtime of an earlier source tree (e.g. a \`git archive\` export). Benchmarks never run in `npm test`.');
  out.push('');
  return out.join('\n');
}

/**
 * What a stream's user waits for, beside TTFB: the time to the first chunk
 * with content, for the pass-through and the proxy, when the run measured it.
 */
function firstContentNote(o: OverheadResult): string | undefined {
  const passthrough = o.targets.find((t) => t.name === TARGETS.passthrough)?.fixedRate;
  const proxy = o.targets.find((t) => t.name === TARGETS.proxy)?.fixedRate;
  const pt = passthrough?.streamedFirstContent;
  const px = proxy?.streamedFirstContent;
  if (!passthrough || !proxy || !pt || !px) return undefined;
  const sign = (x: number): string => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x))}`;
  return `Time to the first content token of a stream at the same rate (the first chunk with text; what a user of the stream waits for): the pass-through p50 ${fmt(pt.p50)} ms (its first byte, the role-only opening chunk, came at ${fmt(passthrough.streamedTtfb.p50)} ms), the proxy p50 ${fmt(px.p50)} ms (${sign(px.p50 - pt.p50)} ms). The proxy holds lifecycle events back until content, so that a failure right after them still fails over (issue 9): its first byte is its first content token.`;
}
