/**
 * Per-second buckets of the failover timeline: which upstream served each
 * request, client-visible errors, and p99 latency per second.
 */
import { percentile } from './stats';

/** One finished request of the open-loop run. */
export interface TimelineSample {
  /** When the request was sent, ms since the run started. */
  readonly sentAtMs: number;
  readonly latencyMs: number;
  /** HTTP status the client saw (0 = no response: connection error). */
  readonly status: number;
  /** Upstream that served it (`x-failover-upstream`), when it succeeded. */
  readonly upstream?: string;
}

/** One second of the timeline. */
export interface TimelineBucket {
  /** Start of the second, seconds since the run started. */
  readonly second: number;
  /** Requests sent during this second. */
  readonly sent: number;
  /** Successful requests served by each upstream. */
  readonly served: Readonly<Record<string, number>>;
  /** Requests the client saw fail (non-2xx or no response). */
  readonly errors: number;
  /** p99 latency (ms) of the requests sent this second; NaN when none. */
  readonly p99Ms: number;
}

/** A labelled span of the run (e.g. "primary 503"). */
export interface TimelinePhase {
  readonly label: string;
  readonly startSecond: number;
  readonly endSecond: number;
}

/**
 * Groups samples by the second they were sent in, over `durationSeconds`
 * buckets (samples outside are dropped). Every upstream in `upstreams`
 * appears in every bucket, with 0 when it served nothing.
 */
export function bucketize(samples: readonly TimelineSample[], durationSeconds: number, upstreams: readonly string[]): TimelineBucket[] {
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1) {
    throw new Error(`durationSeconds must be a positive integer (received ${durationSeconds})`);
  }
  const groups: TimelineSample[][] = Array.from({ length: durationSeconds }, () => []);
  for (const sample of samples) {
    const index = Math.floor(sample.sentAtMs / 1000);
    if (index >= 0 && index < durationSeconds) groups[index].push(sample);
  }
  return groups.map((group, second) => {
    const served: Record<string, number> = Object.fromEntries(upstreams.map((u) => [u, 0]));
    let errors = 0;
    for (const s of group) {
      if (isSuccess(s.status)) {
        const name = s.upstream ?? 'unknown';
        served[name] = (served[name] ?? 0) + 1;
      } else {
        errors += 1;
      }
    }
    return { second, sent: group.length, served, errors, p99Ms: percentile(group.map((s) => s.latencyMs), 99) };
  });
}

/** Sums of a timeline: sent, served per upstream, errors. */
export function totals(buckets: readonly TimelineBucket[]): { sent: number; served: Record<string, number>; errors: number } {
  const served: Record<string, number> = {};
  let sent = 0;
  let errors = 0;
  for (const b of buckets) {
    sent += b.sent;
    errors += b.errors;
    for (const [name, n] of Object.entries(b.served)) served[name] = (served[name] ?? 0) + n;
  }
  return { sent, served, errors };
}

/** True for a 2xx status. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
