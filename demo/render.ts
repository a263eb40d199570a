/**
 * Terminal output of the demo. Pure: a snapshot in, text out. A TTY gets a
 * redrawn frame; anything else (CI logs) gets one plain line per tick.
 */

/** Breaker state of one region as `/v1/status` reports it. */
export interface RegionView {
  readonly name: string;
  /** Where the region's mock runs, for the reader. */
  readonly label: string;
  readonly state: string;
  /** Requests it served in the last second. */
  readonly servedLastSecond: number;
  readonly servedTotal: number;
}

/** Everything one frame shows. */
export interface DemoSnapshot {
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly act: string;
  readonly regions: readonly RegionView[];
  readonly sent: number;
  readonly errors: number;
}

const COLORS = { reset: '\x1b[0m', green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', bold: '\x1b[1m', dim: '\x1b[2m' } as const;

/** A text progress bar `[#####.....]` of `width` cells for `fraction` (clamped to 0..1). */
export function progressBar(fraction: number, width = 30): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function stateColor(state: string): string {
  if (state === 'closed') return COLORS.green;
  if (state === 'half_open') return COLORS.yellow;
  return COLORS.red;
}

/** The redrawn TTY frame (lines without trailing newline). */
export function renderFrame(s: DemoSnapshot, color = true): string[] {
  const c = (code: string, text: string): string => (color ? `${code}${text}${COLORS.reset}` : text);
  const secs = `${(s.elapsedMs / 1000).toFixed(1)}s / ${(s.totalMs / 1000).toFixed(0)}s`;
  const lines = [
    `${c(COLORS.bold, 'cdk8s-ai-failover demo')}  ${progressBar(s.elapsedMs / s.totalMs)} ${secs}`,
    `now: ${c(COLORS.bold, s.act)}`,
    '',
    `  ${'region'.padEnd(10)} ${'mock'.padEnd(10)} ${'breaker'.padEnd(10)} ${'served/s'.padStart(8)} ${'served'.padStart(8)}`,
  ];
  for (const r of s.regions) {
    const serving = r.servedLastSecond > 0 ? c(COLORS.green, ' ◀ serving') : '';
    lines.push(`  ${r.name.padEnd(10)} ${r.label.padEnd(10)} ${c(stateColor(r.state), r.state.padEnd(10))} ${String(r.servedLastSecond).padStart(8)} ${String(r.servedTotal).padStart(8)}${serving}`);
  }
  lines.push('');
  lines.push(`  requests sent ${s.sent}   client-visible errors ${c(s.errors === 0 ? COLORS.green : COLORS.red, String(s.errors))}`);
  return lines;
}

/** One plain line for non-TTY output. */
export function renderLine(s: DemoSnapshot): string {
  const regions = s.regions.map((r) => `${r.name}=${r.state}:${r.servedLastSecond}/s`).join(' ');
  return `[${(s.elapsedMs / 1000).toFixed(1).padStart(5)}s] ${s.act} | ${regions} | sent ${s.sent} errors ${s.errors}`;
}

/** ANSI sequence that moves the cursor up over `lines` lines and clears them, to redraw a frame. */
export function eraseLines(lines: number): string {
  return lines <= 0 ? '' : `\x1b[${lines}A\x1b[0J`;
}
