/**
 * Renders BENCHMARKS.md from the results of one `npm run bench`. Pure: takes
 * the result objects, returns markdown.
 */
import type { FailoverResult } from '../failover';
import type { MachineInfo } from './machine';
import type { MemoryResult } from '../memory';
import type { OverheadResult } from '../overhead';

/** Everything one run produced. */
export interface BenchReport {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly overhead: OverheadResult;
  readonly failover: FailoverResult;
  readonly memory: MemoryResult;
}

/** Formats a number for a table (fixed decimals; "n/a" for NaN/null). */
export function fmt(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/** A markdown table from a header row and body rows. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The whole BENCHMARKS.md. */
export function renderReport(r: BenchReport): string {
  const m = r.machine;
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(`Measured by \`${r.command}\` on ${r.startedAt} (${fmt(r.durationSeconds, 0)} s). Every figure is compared with a baseline measured **in the same run** on the same machine; absolute numbers depend on the machine, the ratios much less. Raw results: [\`bench/results/\`](bench/results/).`);
  out.push('');
  out.push(table(['machine', ''], [
    ['CPU', `${m.cpuCount} × ${m.cpuModel}`],
    ['memory', `${fmt(m.totalMemoryGiB, 1)} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
  ]));
  out.push('');
  out.push('Setup: everything on 127.0.0.1. The proxy runs as its own process from the bundle (`node lib/runtime/ai-failover-proxy.js`, env interface of the seed, rate limit off, JSON request logs at `info` to /dev/null); the load generator is undici (`Pool.request`) in the bench process; upstreams are the project\'s fault-injecting mock (`runtime/mock/mock-upstream.ts`), which answers at once. The proxy\'s figures are therefore its own cost, not a model\'s.');
  out.push('');

  out.push('## Proxy overhead');
  out.push('');
  out.push(`The same closed-loop load straight to a mock upstream (its own process) and through the proxy, alternating at each step; latency at concurrency 1, max throughput over concurrencies ${r.overhead.settings.concurrencies.join(', ')} (${fmt(r.overhead.settings.stepMs / 1000, 0)} s each). Streamed latency is time to first byte of the body.`);
  out.push('');
  out.push(table(['request', 'direct p50 / p99 (ms)', 'proxied p50 / p99 (ms)', 'added p50 / p99 (ms)', 'max throughput direct (req/s)', 'max throughput proxied (req/s)', 'proxied / direct'], r.overhead.comparisons.map((c) => [
    c.kind,
    `${fmt(c.direct[0].latencyMs.p50)} / ${fmt(c.direct[0].latencyMs.p99)}`,
    `${fmt(c.proxied[0].latencyMs.p50)} / ${fmt(c.proxied[0].latencyMs.p99)}`,
    `${fmt(c.addedLatencyP50Ms)} / ${fmt(c.addedLatencyP99Ms)}`,
    fmt(c.maxThroughputDirectRps, 0),
    fmt(c.maxThroughputProxiedRps, 0),
    `${fmt(c.throughputRatio)}×`,
  ])));
  out.push('');
  out.push('<details><summary>Every concurrency step</summary>');
  out.push('');
  const stepRows: string[][] = [];
  for (const c of r.overhead.comparisons) {
    c.direct.forEach((d, i) => {
      const p = c.proxied[i];
      stepRows.push([c.kind, String(d.concurrency), fmt(d.throughputRps, 0), fmt(p.throughputRps, 0), `${fmt(d.latencyMs.p50)} / ${fmt(d.latencyMs.p99)}`, `${fmt(p.latencyMs.p50)} / ${fmt(p.latencyMs.p99)}`, String(d.errors + p.errors)]);
    });
  }
  out.push(table(['request', 'concurrency', 'direct req/s', 'proxied req/s', 'direct p50 / p99 (ms)', 'proxied p50 / p99 (ms)', 'errors'], stepRows));
  out.push('');
  out.push('</details>');
  out.push('');

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
  out.push(`RSS of the proxy process idle (after a short warm-up) and with ${mem.settings.streams.toLocaleString('en-US')} concurrent open streams (mock waits ${fmt(mem.settings.chunkDelayMs / 1000, 0)} s between chunks), same process, same run.`);
  out.push('');
  out.push(table(['idle RSS (MiB)', `RSS with ${mem.settings.streams} streams (MiB)`, 'loaded / idle', 'per stream (KiB)', 'streams open (client / proxy)'], [[
    fmt(mem.idleRssMiB, 1), fmt(mem.loadedRssMiB, 1), `${fmt(mem.rssRatio)}×`, fmt(mem.perStreamKiB, 1), `${mem.streamsWithHeaders} / ${mem.openStreamsSeen}`,
  ]]));
  out.push('');
  out.push('## Reproduce');
  out.push('');
  out.push('```sh');
  out.push(r.command);
  out.push('```');
  out.push('');
  out.push('It bundles the runtime, runs the three phases (each bounded by a fixed duration and a request cap; about 2 minutes in all), writes `bench/results/*.json` and `bench/results/failover-timeline.svg`, and rewrites this file. Benchmarks never run in `npm test`.');
  out.push('');
  return out.join('\n');
}
