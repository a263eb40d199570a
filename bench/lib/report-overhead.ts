/**
 * The rows of BENCHMARKS.md's comparison of the proxy with its references
 * (also printed by `npm run bench`), its goals, the before/after table and
 * the profile tables. Pure: result objects in, cells out.
 */
import type { MemoryResult } from '../memory';
import type { OverheadResult, TargetFigures } from '../overhead';
import type { ProfileResult } from '../profile';
import { checkGoals } from './goals';
import { ratio } from './stats';
import { TARGETS } from './targets';

/** Fixed decimals, or "n/a" for NaN / null / undefined (NaN becomes null in JSON). */
export function fmt(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/** A markdown table from a header row and body rows. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The same table as padded plain text, for the terminal. */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

function plus(ms: number): string {
  return Number.isFinite(ms) ? `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(2)}` : 'n/a';
}

/** Header of {@link targetRows}. */
export function targetHeader(o: OverheadResult): string[] {
  const hasNginx = o.targets.some((t) => t.name === TARGETS.nginx);
  const vs = hasNginx ? '× pass-through / nginx' : '× pass-through';
  return [
    'target',
    'req/s',
    vs,
    'streamed req/s',
    vs,
    'CPU µs/req (plain / streamed)',
    `p50 / p90 / p99 at ${o.settings.ratePerSecond}/s (ms)`,
    'added p50 / p99',
    'TTFB p50 / p99 (ms)',
    'added TTFB p50',
  ];
}

/** One row per target: throughput with ratios to the pass-through (and nginx), latency at the fixed rate, added latency over direct. */
export function targetRows(o: OverheadResult): string[][] {
  const find = (name: string): TargetFigures | undefined => o.targets.find((t) => t.name === name);
  const base = find(TARGETS.passthrough);
  const nginx = find(TARGETS.nginx);
  const direct = find(TARGETS.direct);
  const vs = (t: TargetFigures, pick: (x: TargetFigures) => number): string => {
    const parts = [times(base ? ratio(pick(t), pick(base), 2) : Number.NaN)];
    if (nginx) parts.push(times(ratio(pick(t), pick(nginx), 2)));
    return parts.join(' / ');
  };
  return o.targets.map((t) => {
    const l = t.fixedRate.nonStreamed;
    const s = t.fixedRate.streamedTtfb;
    const isDirect = t.name === TARGETS.direct;
    const added = (pick: (x: TargetFigures) => number): number => (direct && !isDirect ? pick(t) - pick(direct) : Number.NaN);
    return [
      t.name,
      fmt(t.throughput.nonStreamed.rps, 0),
      vs(t, (x) => x.throughput.nonStreamed.rps),
      fmt(t.throughput.streamed.rps, 0),
      vs(t, (x) => x.throughput.streamed.rps),
      `${fmt(t.throughput.nonStreamed.cpuUsPerRequest, 0)} / ${fmt(t.throughput.streamed.cpuUsPerRequest, 0)}`,
      `${fmt(l.p50)} / ${fmt(l.p90)} / ${fmt(l.p99)}`,
      isDirect ? '—' : `${plus(added((x) => x.fixedRate.nonStreamed.p50))} / ${plus(added((x) => x.fixedRate.nonStreamed.p99))}`,
      `${fmt(s.p50)} / ${fmt(s.p99)}`,
      isDirect ? '—' : plus(added((x) => x.fixedRate.streamedTtfb.p50)),
    ];
  });
}

/** Goal, measured figure, holds (yes / **no** / n/a). */
export function goalRows(o: OverheadResult, m: MemoryResult | undefined): string[][] {
  return checkGoals(o, m).map((g) => [g.goal, g.measured, g.holds === undefined ? 'n/a' : g.holds ? 'yes' : '**no**']);
}

/**
 * The proxy's goal figures before (the earlier build measured in the same
 * run) and after; undefined when the run measured no earlier build.
 */
export function beforeAfterRows(
  o: OverheadResult,
  m: MemoryResult | undefined,
  profiles: { readonly before?: ProfileResult; readonly after?: ProfileResult } = {},
): string[][] | undefined {
  const pb = o.targets.find((t) => t.name === TARGETS.proxyBefore);
  const pa = o.targets.find((t) => t.name === TARGETS.proxy);
  if (!pb || !pa) return undefined;
  const b = checkGoals(o, m, TARGETS.proxyBefore);
  const a = checkGoals(o, m, TARGETS.proxy);
  const cpu = (t: TargetFigures): string => `${fmt(t.throughput.nonStreamed.cpuUsPerRequest, 0)} / ${fmt(t.throughput.streamed.cpuUsPerRequest, 0)}`;
  const rows = [
    ['max throughput non-streamed / streamed (req/s)', `${fmt(pb.throughput.nonStreamed.rps, 0)} / ${fmt(pb.throughput.streamed.rps, 0)}`, `${fmt(pa.throughput.nonStreamed.rps, 0)} / ${fmt(pa.throughput.streamed.rps, 0)}`],
    ['CPU per request under max load, non-streamed / streamed (µs)', cpu(pb), cpu(pa)],
    ...b.map((g, i) => [g.goal, g.measured, a[i]?.measured ?? 'n/a']),
  ];
  if (profiles.before || profiles.after) {
    rows.push(['CPU per request under the profiler (µs)', fmt(profiles.before?.cpuUsPerRequest, 0), fmt(profiles.after?.cpuUsPerRequest, 0)]);
  }
  return rows;
}
