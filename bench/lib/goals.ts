/**
 * The performance goals of the proxy, checked against one run: every goal is
 * relative to the minimal Node pass-through measured in the same run, except
 * the memory bound.
 */
import type { MemoryResult } from '../memory';
import type { OverheadResult, TargetFigures } from '../overhead';
import { ratio, round } from './stats';
import { TARGETS } from './targets';

/** One goal and whether the run met it. */
export interface GoalCheck {
  readonly goal: string;
  /** The figure the goal is about, with its unit. */
  readonly measured: string;
  /** Undefined when the run lacks a figure the goal needs. */
  readonly holds: boolean | undefined;
}

/** The bounds the goals set. */
export const GOALS = {
  /** proxy / pass-through max throughput, at least. */
  throughputRatio: 0.75,
  /** proxy − pass-through at the fixed rate, at most (ms). */
  addedP50Ms: 0.1,
  addedP99Ms: 1,
  addedTtfbP50Ms: 0.1,
  /** RSS with the memory phase's open streams, at most (MiB). */
  loadedRssMiB: 100,
} as const;

function byName<T extends { readonly name: string }>(list: readonly T[], name: string): T | undefined {
  return list.find((t) => t.name === name);
}

function signed(ms: number): string {
  return `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(2)} ms`;
}

/** Checks every goal for target `proxyName`; a missing target or figure gives `holds: undefined`. */
export function checkGoals(overhead: OverheadResult, memory: MemoryResult | undefined, proxyName: string = TARGETS.proxy): GoalCheck[] {
  const proxy = byName(overhead.targets, proxyName);
  const base = byName(overhead.targets, TARGETS.passthrough);
  const checks: GoalCheck[] = [];
  const rps = (label: string, pick: (t: TargetFigures) => number): void => {
    const r = proxy && base ? ratio(pick(proxy), pick(base), 2) : Number.NaN;
    checks.push({ goal: `max throughput ${label} ≥ ${GOALS.throughputRatio}× the pass-through`, measured: Number.isFinite(r) ? `${r.toFixed(2)}×` : 'n/a', holds: Number.isFinite(r) ? r >= GOALS.throughputRatio : undefined });
  };
  const added = (label: string, bound: number, pick: (t: TargetFigures) => number): void => {
    const d = proxy && base ? round(pick(proxy) - pick(base), 3) : Number.NaN;
    checks.push({ goal: `${label} within ${bound} ms of the pass-through's`, measured: Number.isFinite(d) ? signed(d) : 'n/a', holds: Number.isFinite(d) ? d <= bound : undefined });
  };
  rps('non-streamed', (t) => t.throughput.nonStreamed.rps);
  rps('streamed', (t) => t.throughput.streamed.rps);
  const rate = overhead.settings.ratePerSecond;
  added(`latency at ${rate} req/s, p50`, GOALS.addedP50Ms, (t) => t.fixedRate.nonStreamed.p50);
  added(`latency at ${rate} req/s, p99`, GOALS.addedP99Ms, (t) => t.fixedRate.nonStreamed.p99);
  added(`streamed time to first byte at ${rate} req/s, p50`, GOALS.addedTtfbP50Ms, (t) => t.fixedRate.streamedTtfb.p50);
  const loaded = memory ? byName(memory.targets, proxyName)?.loadedRssMiB : undefined;
  checks.push({
    goal: `RSS with ${memory?.settings.streams ?? 1000} open streams ≤ ${GOALS.loadedRssMiB} MiB`,
    measured: loaded === undefined ? 'n/a' : `${loaded.toFixed(1)} MiB`,
    holds: loaded === undefined ? undefined : loaded <= GOALS.loadedRssMiB,
  });
  return checks;
}
