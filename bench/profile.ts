/**
 * `tsx bench/profile.ts [--before] [--source <dir>] [--kind plain|streamed] [--keep <file>]`: where the proxy's CPU
 * goes under load. Bundles `<dir>/runtime/main.ts` unminified into a temp
 * dir, runs it with `node --cpu-prof` (production config, in front of one
 * mock process) under wrk, non-streamed then streamed, and writes the top
 * self-time functions and modules to bench/results/profile.json
 * (bench/results/profile-before.json with --before: the "before" of an
 * optimization, e.g. `--source` an export of an earlier commit). `--keep`
 * also writes the raw .cpuprofile (for Chrome DevTools or speedscope) and,
 * beside it, the bundle it refers to. `PROFILE_NODE_ARGS` adds node flags to
 * the profiled process (e.g. `--no-turbo-inlining`, so that inlined callees'
 * time is not counted as their caller's self time).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { PATHS } from '../src/contract';
import { bundleModules, summarizeProfile, type ProfileSummary } from './lib/cpu-profile';
import { chatBody, PRODUCTION_EXTRA_ENV, proxyEnv } from './lib/env';
import { closedLoop } from './lib/load';
import { startMockProcess } from './lib/mock-process';
import { cpuTimeMs, PACKAGE_ROOT, startProxyProcess } from './lib/proxy-process';
import { round } from './lib/stats';
import { maxThroughput } from './lib/wrk';

/** Settings of a profile run. */
export interface ProfileSettings {
  readonly connections: number;
  /** Per kind (non-streamed, streamed). */
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly top: number;
  /** Request kinds profiled, one after the other. */
  readonly kinds: ReadonlyArray<'plain' | 'streamed'>;
}

/** What bench/results/profile.json holds. */
export interface ProfileResult {
  readonly startedAt: string;
  readonly settings: ProfileSettings;
  /** Requests answered while profiled, both kinds. */
  readonly requests: number;
  /** CPU time of the proxy process per request (user + system, /proc), in µs. */
  readonly cpuUsPerRequest: number;
  readonly summary: ProfileSummary;
}

export const PROFILE_DEFAULTS: ProfileSettings = { connections: 50, durationMs: 8000, warmupMs: 2000, top: 25, kinds: ['plain', 'streamed'] };

/** Bundles `sourceRoot/runtime/main.ts` like scripts/bundle-runtime.mjs, minus minification. */
export async function unminifiedBundle(sourceRoot: string, outDir: string): Promise<string> {
  const outfile = join(outDir, 'ai-failover-proxy.js');
  await build({
    entryPoints: [join(sourceRoot, 'runtime', 'main.ts')],
    // module comments in the bundle name paths relative to this: runtime/..., node_modules/...
    absWorkingDir: sourceRoot,
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20.19',
    format: 'cjs',
    minify: false,
    legalComments: 'none',
    external: ['pino-pretty'],
    logLevel: 'warning',
  });
  return outfile;
}

/** Profiles the proxy built from `sourceRoot`. */
export async function runProfile(
  sourceRoot: string,
  settings: ProfileSettings = PROFILE_DEFAULTS,
  log: (line: string) => void = console.log,
  keepProfileAt?: string,
): Promise<ProfileResult> {
  const startedAt = new Date().toISOString();
  const dir = mkdtempSync(join(tmpdir(), 'ai-failover-bench-profile-'));
  try {
    const bundle = await unminifiedBundle(sourceRoot, dir);
    const mock = await startMockProcess();
    try {
      const proxy = await startProxyProcess({ env: proxyEnv([mock.url, mock.url], PRODUCTION_EXTRA_ENV), bundle, nodeArgs: [...(process.env.PROFILE_NODE_ARGS ?? '').split(' ').filter(Boolean), '--cpu-prof', '--cpu-prof-dir', dir] });
      let requests = 0;
      let cpuMs = 0;
      try {
        for (const kind of settings.kinds) {
          const stream = kind === 'streamed';
          const target = { origin: proxy.url, path: PATHS.chatCompletions, body: chatBody(stream, true), stream };
          await closedLoop(target, { concurrency: 8, durationMs: settings.warmupMs, maxRequests: 100_000 });
          const before = cpuTimeMs(proxy.pid);
          const r = await maxThroughput(target, { connections: settings.connections, durationMs: settings.durationMs, maxRequests: 1_000_000 });
          cpuMs += cpuTimeMs(proxy.pid) - before;
          requests += r.requests - r.errors;
          log(`  ${stream ? 'streamed' : 'non-streamed'}: ${r.rps} req/s under the profiler (${r.tool}, errors ${r.errors})`);
        }
      } finally {
        await proxy.stop(15_000);
      }
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`the proxy wrote no .cpuprofile into ${dir}`);
      const profileText = readFileSync(join(dir, file), 'utf8');
      if (keepProfileAt !== undefined) {
        writeFileSync(keepProfileAt, profileText);
        writeFileSync(`${keepProfileAt}.bundle.js`, readFileSync(bundle));
      }
      const profile = JSON.parse(profileText);
      const summary = summarizeProfile(profile, 'ai-failover-proxy.js', bundleModules(readFileSync(bundle, 'utf8')), settings.top);
      return { startedAt, settings, requests, cpuUsPerRequest: round((cpuMs * 1000) / requests, 1), summary };
    } finally {
      await mock.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const before = argv.includes('--before');
  const at = argv.indexOf('--source');
  const source = at >= 0 ? resolve(argv[at + 1] ?? '') : PACKAGE_ROOT;
  const kindAt = argv.indexOf('--kind');
  const kind = kindAt >= 0 ? argv[kindAt + 1] : undefined;
  if (kind !== undefined && kind !== 'plain' && kind !== 'streamed') throw new Error(`--kind must be plain or streamed (received ${JSON.stringify(kind)})`);
  const keepAt = argv.indexOf('--keep');
  const keep = keepAt >= 0 ? resolve(argv[keepAt + 1] ?? '') : undefined;
  const result = await runProfile(source, kind ? { ...PROFILE_DEFAULTS, kinds: [kind] } : PROFILE_DEFAULTS, console.log, keep);
  const outDir = join(PACKAGE_ROOT, 'bench', 'results');
  const outFile = join(outDir, before ? 'profile-before.json' : 'profile.json');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  const s = result.summary;
  console.log(`\nbusy ${s.busyMs} ms, idle ${s.idleMs} ms; ${result.requests} requests, ${result.cpuUsPerRequest} µs CPU per request`);
  console.log('\nself time by function:');
  for (const row of s.selfByFunction) console.log(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.name}`);
  console.log('\nself time by module:');
  for (const row of s.selfByModule) console.log(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.name}`);
  console.log('\ninclusive time by module:');
  for (const row of s.inclusiveByModule) console.log(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.name}`);
  console.log('\ninclusive time of the proxy\'s own functions:');
  for (const row of s.inclusiveByOwnFunction) console.log(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.name}`);
  console.log(`\nwrote ${outFile}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(() => process.exit(0), (error: unknown) => {
    console.error(`profile failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  });
}
