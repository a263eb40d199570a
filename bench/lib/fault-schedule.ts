/**
 * A fault schedule: consecutive labelled spans of a run, each with the mode
 * the primary mock runs in. Pure; the runner applies it as time passes.
 */
import type { TimelinePhase } from './timeline';
import type { MockMode } from '../../runtime/mock/mock-upstream';

/** One span of the schedule. */
export interface FaultPhase extends TimelinePhase {
  readonly mode: MockMode;
}

/** Builds consecutive phases from `[label, seconds, mode]` steps starting at 0. */
export function faultSchedule(steps: ReadonlyArray<readonly [string, number, MockMode]>): FaultPhase[] {
  let at = 0;
  return steps.map(([label, seconds, mode]) => {
    if (!(seconds > 0)) throw new Error(`phase "${label}" must last more than 0 seconds (received ${seconds})`);
    const phase = { label, startSecond: at, endSecond: at + seconds, mode };
    at += seconds;
    return phase;
  });
}

/** Total length of a schedule in seconds. */
export function scheduleSeconds(schedule: readonly FaultPhase[]): number {
  return schedule.length === 0 ? 0 : schedule[schedule.length - 1].endSecond;
}

/** Index of the phase running at `ms` since the start (the last one after the end). */
export function phaseIndexAt(schedule: readonly FaultPhase[], ms: number): number {
  if (schedule.length === 0) throw new Error('empty fault schedule');
  const s = ms / 1000;
  const index = schedule.findIndex((p) => s >= p.startSecond && s < p.endSecond);
  return index === -1 ? (s < 0 ? 0 : schedule.length - 1) : index;
}
