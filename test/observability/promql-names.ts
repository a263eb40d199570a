/**
 * Test helper: a small PromQL scanner that lists the metric names and label
 * names an expression uses, so tests can check them against the contract.
 */
import { METRIC_LABELS, METRICS } from '../../src/contract';

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Label names the proxy's series carry besides METRIC_LABELS (target labels and `le`). */
export const TARGET_LABELS = ['le', 'pod', 'namespace', 'job', 'instance'];

/** Metric names (histogram suffixes stripped) an expression selects. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  const re = /[A-Za-z_:][A-Za-z0-9_:]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(stripped)) !== null) {
    const word = m[0];
    const before = stripped[m.index - 1];
    const after = stripped.slice(m.index + word.length).trimStart();
    if (KEYWORDS.has(word.toLowerCase()) || after.startsWith('(') || (before !== undefined && /[0-9.]/.test(before))) continue;
    names.add(HISTOGRAM_SUFFIXES.reduce((n, s) => (n.endsWith(s) ? n.slice(0, -s.length) : n), word));
  }
  return [...names];
}

/** Label names used in selectors and in by/without clauses. */
export function labelNames(expr: string): string[] {
  const names = new Set<string>();
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const sel of noStrings.match(/\{[^}]*\}/g) ?? []) {
    for (const m of sel.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)/g)) names.add(m[1]);
  }
  for (const g of noStrings.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    for (const n of g[1].split(',').map((s) => s.trim()).filter(Boolean)) names.add(n);
  }
  return [...names];
}

/** Metric names an expression uses that METRICS does not define. */
export function unknownMetrics(expr: string): string[] {
  const known = new Set<string>(Object.values(METRICS));
  return metricNames(expr).filter((n) => !known.has(n));
}

/** Label names an expression uses that neither METRIC_LABELS nor TARGET_LABELS define. */
export function unknownLabels(expr: string): string[] {
  const known = new Set<string>([...Object.values(METRIC_LABELS), ...TARGET_LABELS]);
  return labelNames(expr).filter((n) => !known.has(n));
}

/** Unbalanced brackets outside strings, as a cheap syntax check ('' when balanced). */
export function bracketProblem(expr: string): string {
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const stack: string[] = [];
  for (const ch of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('({['.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return `unexpected '${ch}'`;
  }
  return stack.length ? `unclosed '${stack[stack.length - 1]}'` : '';
}
