/**
 * Internal helpers that write PromQL: label selectors built from plain
 * key/value matchers and Prometheus duration strings. Not exported from
 * src/index.ts.
 */
import { Duration } from 'cdk8s';

/**
 * A label selector `{a="x",b="y"}` (sorted, values escaped), or '' when empty.
 * `extra` entries are raw matchers such as `status=~"5.."`.
 * @internal
 */
export function labelSelector(matchers: { [key: string]: string }, ...extra: string[]): string {
  const parts = Object.keys(matchers).sort().map((k) => `${k}="${escapeLabelValue(matchers[k])}"`);
  parts.push(...extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Escapes a PromQL double-quoted string. @internal */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * A Prometheus duration (`90s`, `5m`, `1h`): the largest unit that divides it exactly.
 * @internal
 */
export function promDuration(duration: Duration): string {
  const ms = duration.toMilliseconds();
  if (ms % 1000 !== 0) {
    return `${ms}ms`;
  }
  const seconds = ms / 1000;
  if (seconds !== 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds !== 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Builds the matchers of the proxy's series from namespace/job props. @internal */
export function seriesMatchers(namespace: string | undefined, job: string | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  if (namespace) out.namespace = namespace;
  if (job) out.job = job;
  return out;
}

/**
 * Checks a number prop: finite and within [min, max] (`exclusiveMin` makes the lower bound strict).
 * @internal
 */
export function checkRange(name: string, value: number, min: number, max: number, exclusiveMin = false): number {
  const ok = Number.isFinite(value) && (exclusiveMin ? value > min : value >= min) && value <= max;
  if (!ok) {
    const low = exclusiveMin ? `> ${min}` : `>= ${min}`;
    throw new Error(`'${name}' must be a number ${low} and <= ${max} (received ${value})`);
  }
  return value;
}

/** Checks a duration prop is at least `minSeconds`. @internal */
export function checkDuration(name: string, value: Duration, minSeconds: number): Duration {
  const seconds = value.toMilliseconds() / 1000;
  if (!(seconds >= minSeconds)) {
    throw new Error(`'${name}' must be at least ${minSeconds}s (received ${seconds}s)`);
  }
  return value;
}
