/**
 * Runs the minimal Node pass-through (bench/targets/minimal-passthrough.ts)
 * in its own process in front of one upstream origin. It is bundled with
 * esbuild first and run by plain `node`, as the proxy is: a TypeScript loader
 * in the process would inflate its memory and start-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { startUrlChild, type UrlChild } from './child-process';
import { PACKAGE_ROOT } from './proxy-process';

/** The pass-through child; `url` is its origin. */
export type PassthroughProcess = UrlChild;

let bundled: string | undefined;

/** The pass-through as one CommonJS file in a temp dir (built once per bench process). */
export function passthroughBundle(): string {
  if (bundled === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'ai-failover-bench-passthrough-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, 'minimal-passthrough.js');
    buildSync({
      entryPoints: [join(PACKAGE_ROOT, 'bench', 'targets', 'minimal-passthrough.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20.19',
      format: 'cjs',
      logLevel: 'warning',
    });
    bundled = outfile;
  }
  return bundled;
}

/** Starts the pass-through on a free port in front of `upstreamOrigin` (e.g. `http://127.0.0.1:9001`). */
export function startPassthroughProcess(upstreamOrigin: string, timeoutMs = 15_000): Promise<PassthroughProcess> {
  return startUrlChild({
    name: 'minimal pass-through',
    command: process.execPath,
    args: [passthroughBundle(), upstreamOrigin],
    cwd: PACKAGE_ROOT,
    urlPattern: /(http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs,
  });
}
