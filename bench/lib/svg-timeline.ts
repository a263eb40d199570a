/**
 * Writes the failover timeline as a standalone SVG (no dependencies): per
 * second, stacked bars of requests served by each upstream plus client
 * errors, a p99 latency line on the right axis, and shaded fault phases.
 */
import type { TimelineBucket, TimelinePhase } from './timeline';

/** Options of {@link timelineSvg}. */
export interface TimelineSvgOptions {
  readonly title: string;
  /** Upstreams in stacking order (bottom first). */
  readonly upstreams: readonly string[];
  readonly phases?: readonly TimelinePhase[];
  /** @default 960 */
  readonly width?: number;
  /** @default 420 */
  readonly height?: number;
}

const PALETTE = ['#2b6cb0', '#38a169', '#d69e2e', '#805ad5', '#319795'];
const ERROR_COLOR = '#e53e3e';
const P99_COLOR = '#1a202c';

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A "nice" axis maximum at or above `value` (1, 2, 5 × 10^n). */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) {
    if (m * exp >= value) return m * exp;
  }
  return 10 * exp;
}

/** Renders the timeline as an SVG document string. */
export function timelineSvg(buckets: readonly TimelineBucket[], options: TimelineSvgOptions): string {
  const width = options.width ?? 960;
  const height = options.height ?? 420;
  const m = { top: 48, right: 64, bottom: 72, left: 56 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const n = Math.max(1, buckets.length);
  const barW = plotW / n;
  const maxCount = niceMax(Math.max(1, ...buckets.map((b) => b.sent)));
  const p99s = buckets.map((b) => b.p99Ms).filter((v) => Number.isFinite(v));
  const maxP99 = niceMax(Math.max(1, ...p99s));
  const y = (count: number): number => m.top + plotH - (count / maxCount) * plotH;
  const yLat = (ms: number): number => m.top + plotH - (Math.min(ms, maxP99) / maxP99) * plotH;
  const f = (v: number): string => v.toFixed(1);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<title>${escapeXml(options.title)}</title>`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`);

  for (const [i, phase] of (options.phases ?? []).entries()) {
    const x0 = m.left + phase.startSecond * barW;
    const x1 = m.left + Math.min(n, phase.endSecond) * barW;
    if (x1 <= x0) continue;
    parts.push(`<rect x="${f(x0)}" y="${m.top}" width="${f(x1 - x0)}" height="${plotH}" fill="${i % 2 === 0 ? '#edf2f7' : '#f7fafc'}"/>`);
    parts.push(`<text x="${f((x0 + x1) / 2)}" y="${m.top - 6}" text-anchor="middle" font-size="11" fill="#4a5568">${escapeXml(phase.label)}</text>`);
  }

  // axes and grid
  for (let k = 0; k <= 4; k++) {
    const v = (maxCount * k) / 4;
    const yy = y(v);
    parts.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${f(yy)}" y2="${f(yy)}" stroke="#e2e8f0"/>`);
    parts.push(`<text x="${m.left - 6}" y="${f(yy + 4)}" text-anchor="end">${round(v)}</text>`);
    parts.push(`<text x="${m.left + plotW + 6}" y="${f(yy + 4)}" text-anchor="start" fill="${P99_COLOR}">${round((maxP99 * k) / 4)}</text>`);
  }
  parts.push(`<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">requests / second</text>`);
  parts.push(`<text transform="translate(${width - 14} ${m.top + plotH / 2}) rotate(90)" text-anchor="middle">p99 latency (ms)</text>`);
  const tickEvery = n > 60 ? 10 : 5;
  for (let s = 0; s <= n; s += tickEvery) {
    const xx = m.left + s * barW;
    parts.push(`<text x="${f(xx)}" y="${m.top + plotH + 16}" text-anchor="middle">${s}s</text>`);
  }

  // stacked bars
  for (const [i, b] of buckets.entries()) {
    let base = 0;
    const x = m.left + i * barW + barW * 0.1;
    const w = barW * 0.8;
    const layers: Array<[number, string, string]> = options.upstreams.map((u, k) => [b.served[u] ?? 0, PALETTE[k % PALETTE.length], u]);
    layers.push([b.errors, ERROR_COLOR, 'errors']);
    for (const [count, color, label] of layers) {
      if (count <= 0) continue;
      const top = y(base + count);
      parts.push(`<rect x="${f(x)}" y="${f(top)}" width="${f(w)}" height="${f(y(base) - top)}" fill="${color}"><title>${b.second}s ${escapeXml(label)}: ${count}</title></rect>`);
      base += count;
    }
  }

  // p99 line
  const points = buckets
    .map((b, i) => (Number.isFinite(b.p99Ms) ? `${f(m.left + (i + 0.5) * barW)},${f(yLat(b.p99Ms))}` : undefined))
    .filter((p): p is string => p !== undefined);
  if (points.length > 1) {
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${P99_COLOR}" stroke-width="1.5" stroke-dasharray="4 2"/>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#a0aec0"/>`);

  // legend
  const legend: Array<[string, string, boolean]> = [
    ...options.upstreams.map((u, k): [string, string, boolean] => [`served by ${u}`, PALETTE[k % PALETTE.length], false]),
    ['client-visible errors', ERROR_COLOR, false],
    ['p99 latency (right axis)', P99_COLOR, true],
  ];
  let lx = m.left;
  const ly = height - 24;
  for (const [label, color, line] of legend) {
    parts.push(line
      ? `<line x1="${lx}" x2="${lx + 14}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 2"/>`
      : `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${color}"/>`);
    parts.push(`<text x="${lx + 18}" y="${ly}">${escapeXml(label)}</text>`);
    lx += 26 + label.length * 6.5;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
