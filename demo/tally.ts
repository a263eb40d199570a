/**
 * What the demo client saw: every answer, counted per act and per region,
 * and the verdict (did every act behave?). Pure.
 */
import type { DemoAct, DemoPlan } from './plan';

/** One answer the demo client got. */
export interface DemoAnswer {
  /** Send time, ms since the demo started. */
  readonly sentAtMs: number;
  /** Time the answer finished, ms since the demo started. */
  readonly doneAtMs: number;
  /** 0 = no response at all. */
  readonly status: number;
  readonly upstream?: string;
}

/** Counts of one act (or of the whole run). */
export interface DemoCounts {
  readonly sent: number;
  readonly served: Record<string, number>;
  readonly errors: number;
}

/** Result of {@link judge}. */
export interface DemoVerdict {
  readonly ok: boolean;
  /** One line per failed check (empty when ok). */
  readonly reasons: readonly string[];
  readonly total: DemoCounts;
  readonly perAct: Readonly<Record<DemoAct['id'], DemoCounts>>;
}

/** Counts answers, by region for successes; errors are non-2xx or no response. */
export function count(answers: readonly DemoAnswer[]): DemoCounts {
  const served: Record<string, number> = {};
  let errors = 0;
  for (const a of answers) {
    if (a.status >= 200 && a.status < 300) served[a.upstream ?? 'unknown'] = (served[a.upstream ?? 'unknown'] ?? 0) + 1;
    else errors += 1;
  }
  return { sent: answers.length, served, errors };
}

/** Successes served in the last `windowMs` before `nowMs`, by region. */
export function servedRecently(answers: readonly DemoAnswer[], nowMs: number, windowMs: number): Record<string, number> {
  return count(answers.filter((a) => a.doneAtMs > nowMs - windowMs && a.doneAtMs <= nowMs)).served;
}

/**
 * Judges a run: zero client-visible errors; the primary served while
 * healthy; only backups served requests sent during the outage; the primary
 * served again after it came back.
 */
export function judge(plan: DemoPlan, answers: readonly DemoAnswer[], primary: string): DemoVerdict {
  const perAct = Object.fromEntries(plan.acts.map((act) => [
    act.id,
    count(answers.filter((a) => a.sentAtMs >= act.startMs && a.sentAtMs < act.endMs)),
  ])) as Record<DemoAct['id'], DemoCounts>;
  const total = count(answers);
  const reasons: string[] = [];
  const sum = (c: DemoCounts, pick: (name: string) => boolean): number =>
    Object.entries(c.served).filter(([n]) => pick(n)).reduce((acc, [, v]) => acc + v, 0);
  if (total.sent === 0) reasons.push('no request was sent');
  if (total.errors > 0) reasons.push(`client-visible errors must be 0 (received ${total.errors})`);
  const healthyPrimary = sum(perAct.healthy, (n) => n === primary);
  if (healthyPrimary === 0) reasons.push(`the primary served no request while healthy (served: ${JSON.stringify(perAct.healthy.served)})`);
  const outageBackups = sum(perAct.outage, (n) => n !== primary);
  if (outageBackups === 0) reasons.push(`no backup served a request during the outage (served: ${JSON.stringify(perAct.outage.served)})`);
  const outagePrimary = sum(perAct.outage, (n) => n === primary);
  if (outagePrimary > 0) reasons.push(`the primary answered ${outagePrimary} request(s) sent while it was down`);
  const recoveredPrimary = sum(perAct.recovered, (n) => n === primary);
  if (recoveredPrimary === 0) reasons.push(`the primary served no request after it came back (served: ${JSON.stringify(perAct.recovered.served)})`);
  return { ok: reasons.length === 0, reasons, total, perAct };
}
