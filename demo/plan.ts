/**
 * The demo's script: how long each act lasts and how the proxy is tuned, as
 * a pure function of the total duration (DEMO_SECONDS / --seconds / --fast).
 */
import type { MockMode } from '../runtime/mock/mock-upstream';

/** One act of the demo. */
export interface DemoAct {
  readonly id: 'healthy' | 'outage' | 'recovered';
  readonly label: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Mode of the primary region's mock during the act. */
  readonly primaryMode: MockMode;
}

/** The whole demo plan. */
export interface DemoPlan {
  readonly totalMs: number;
  readonly acts: readonly DemoAct[];
  /** Requests per second the demo client sends (open loop). */
  readonly ratePerSecond: number;
  /** Breaker open time (seconds) configured on the proxy; short so recovery fits. */
  readonly recoveryTimeoutSeconds: number;
  /** Consecutive failures that open the primary's breaker. */
  readonly failureThreshold: number;
}

/** Default length of `npm run demo`, in seconds. */
export const DEFAULT_DEMO_SECONDS = 24;
/** Length with `--fast`, in seconds. */
export const FAST_DEMO_SECONDS = 8;
/** Requests per second the demo client sends. */
export const DEMO_REQUESTS_PER_SECOND = 20;
/** Shortest and longest accepted lengths, in seconds. */
export const DEMO_SECONDS_RANGE = { min: 6, max: 60 } as const;

/** Builds the plan: 25 % healthy, 35 % primary down (connections reset), 40 % primary back. */
export function demoPlan(seconds: number): DemoPlan {
  if (!Number.isFinite(seconds) || seconds < DEMO_SECONDS_RANGE.min || seconds > DEMO_SECONDS_RANGE.max) {
    throw new Error(`demo length must be ${DEMO_SECONDS_RANGE.min}-${DEMO_SECONDS_RANGE.max} seconds (received ${seconds})`);
  }
  const totalMs = Math.round(seconds * 1000);
  const healthyEnd = Math.round(totalMs * 0.25);
  const outageEnd = Math.round(totalMs * 0.6);
  return {
    totalMs,
    ratePerSecond: DEMO_REQUESTS_PER_SECOND,
    recoveryTimeoutSeconds: Math.min(3, Math.round((seconds / 8) * 10) / 10),
    failureThreshold: 3,
    acts: [
      { id: 'healthy', label: 'primary region healthy', startMs: 0, endMs: healthyEnd, primaryMode: { kind: 'ok' } },
      { id: 'outage', label: 'primary region DOWN (connections reset)', startMs: healthyEnd, endMs: outageEnd, primaryMode: { kind: 'reset' } },
      { id: 'recovered', label: 'primary region back', startMs: outageEnd, endMs: totalMs, primaryMode: { kind: 'ok' } },
    ],
  };
}

/** The act running at `ms` since the start (the last one after the end). */
export function actAt(plan: DemoPlan, ms: number): DemoAct {
  return plan.acts.find((a) => ms >= a.startMs && ms < a.endMs) ?? plan.acts[ms < 0 ? 0 : plan.acts.length - 1];
}

/** What `npm run demo -- --help` prints. */
export const DEMO_USAGE = `usage: npm run demo [-- --fast | --seconds=N | --help]

Three mock regions and the proxy on 127.0.0.1, steady traffic (${DEMO_REQUESTS_PER_SECOND} requests/s, chat
completions alternating plain and streamed), the primary region knocked out
(connections reset) and brought back; the breaker states and the region serving
each request are shown live. Exits 0 only when no client saw an error.

  --fast          an ${FAST_DEMO_SECONDS} s run
  --seconds=N     a run of N seconds (${DEMO_SECONDS_RANGE.min}-${DEMO_SECONDS_RANGE.max}; also --seconds N, or env DEMO_SECONDS=N)
  --help, -h      print this and exit
  (default: ${DEFAULT_DEMO_SECONDS} s)
`;

/** Whether the demo is asked for its usage. */
export function wantsDemoHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Reads the demo length from argv and env: `--fast`, `--seconds=N` or
 * `--seconds N`, else `DEMO_SECONDS`, else the default.
 */
export function demoSecondsFrom(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  let raw: string | undefined;
  let source = 'DEMO_SECONDS';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--fast') return FAST_DEMO_SECONDS;
    if (arg.startsWith('--seconds=')) {
      raw = arg.slice('--seconds='.length);
      source = '--seconds';
    } else if (arg === '--seconds') {
      raw = argv[i + 1];
      source = '--seconds';
      i += 1;
    } else {
      throw new Error(`unknown demo argument ${JSON.stringify(arg)}: expected --fast, --seconds=N or --help`);
    }
  }
  raw ??= env.DEMO_SECONDS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_DEMO_SECONDS;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || value < DEMO_SECONDS_RANGE.min || value > DEMO_SECONDS_RANGE.max) {
    throw new Error(`${source} must be a number of seconds from ${DEMO_SECONDS_RANGE.min} to ${DEMO_SECONDS_RANGE.max} (received ${JSON.stringify(raw)})`);
  }
  return value;
}
