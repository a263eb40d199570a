/**
 * Memory: RSS of the proxy process (production config) and of the minimal
 * pass-through, idle (after a short warm-up) and with 1,000 concurrent open
 * streams, in the same run.
 */
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool, request } from 'undici';
import { stringify } from 'yaml';
import { BENCH_CLIENT_KEY, chatBody, configUpstreams, PRODUCTION_EXTRA_ENV, proxyEnvWithConfig } from './lib/env';
import { closedLoop } from './lib/load';
import { startPassthroughProcess } from './lib/passthrough-process';
import { startProxyProcess, type ProxyProcess } from './lib/proxy-process';
import { startMockUpstream, type MockUpstream } from '../runtime/mock/mock-upstream';
import { PATHS } from '../src/contract';
import { ratio, round } from './lib/stats';
import { beforeBundle, TARGETS } from './lib/targets';

/** Settings of the memory phase. */
export interface MemorySettings {
  readonly streams: number;
  /** Delay between two chunks of a mock stream: keeps streams open while RSS is read. */
  readonly chunkDelayMs: number;
  /** Longest wait for every stream to be open. */
  readonly openTimeoutMs: number;
  /** `upstreams[].maxConnections` of the proxy: above `streams`, so that every stream can be open at once (the default 128 queues the rest). */
  readonly maxConnections: number;
}

/** RSS figures of one target. */
export interface MemoryFigures {
  readonly name: string;
  readonly idleRssMiB: number;
  readonly loadedRssMiB: number;
  /** Streams the target reported open (the proxy's `/v1/status`) while RSS was read; null when it cannot tell. */
  readonly openStreamsSeen: number | null;
  readonly streamsWithHeaders: number;
  /** loaded / idle. */
  readonly rssRatio: number;
  /** (loaded − idle) / streams, in KiB. */
  readonly perStreamKiB: number;
}

/** Result of {@link runMemory}. */
export interface MemoryResult {
  readonly settings: MemorySettings;
  /** The minimal pass-through first, then the proxy (its earlier build before it when measured). */
  readonly targets: readonly MemoryFigures[];
}

/** Default: 1,000 streams of a mock that waits 2 s between chunks. */
export const MEMORY_DEFAULTS: MemorySettings = { streams: 1000, chunkDelayMs: 2000, openTimeoutMs: 15_000, maxConnections: 1024 };

const MIB = 1024 * 1024;

interface MeasuredProcess {
  readonly name: string;
  readonly url: string;
  rssBytes(): number;
  /** Open streams as the process reports them, when it can. */
  openStreams?(): Promise<number>;
}

async function measure(target: MeasuredProcess, mock: MockUpstream, settings: MemorySettings, log: (line: string) => void): Promise<MemoryFigures> {
  mock.setMode({ kind: 'ok' });
  const body = chatBody(true, true);
  await closedLoop({ origin: target.url, path: PATHS.chatCompletions, body, stream: true }, { concurrency: 4, durationMs: 500, maxRequests: 500 });
  await new Promise((r) => setTimeout(r, 500));
  const idle = target.rssBytes();

  mock.setMode({ kind: 'slow-stream', chunkDelayMs: settings.chunkDelayMs });
  const pool = new Pool(target.url, {
    connections: settings.streams,
    pipelining: 1,
    headersTimeout: settings.openTimeoutMs,
    bodyTimeout: settings.openTimeoutMs * 2,
  });
  const abort = new AbortController();
  setMaxListeners(settings.streams * 2, abort.signal);
  let withHeaders = 0;
  const streams = Array.from({ length: settings.streams }, async () => {
    try {
      const res = await pool.request({
        method: 'POST',
        path: PATHS.chatCompletions,
        headers: { 'content-type': 'application/json', 'authorization': `Bearer ${BENCH_CLIENT_KEY}` },
        body,
        signal: abort.signal,
      });
      withHeaders += 1;
      await res.body.dump({ limit: Number.MAX_SAFE_INTEGER, signal: abort.signal }).catch(() => undefined);
    } catch {
      // aborted at the end of the measurement
    }
  });
  const until = performance.now() + settings.openTimeoutMs;
  while (withHeaders < settings.streams && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
  }
  let loaded = 0;
  let openStreamsSeen: number | null = null;
  for (let k = 0; k < 5; k++) {
    loaded = Math.max(loaded, target.rssBytes());
    if (target.openStreams) openStreamsSeen = Math.max(openStreamsSeen ?? 0, await target.openStreams());
    await new Promise((r) => setTimeout(r, 100));
  }
  abort.abort();
  await Promise.all(streams);
  await pool.destroy();
  mock.setMode({ kind: 'ok' });
  log(`  ${target.name.padEnd(22)} idle ${(idle / MIB).toFixed(1)} MiB; ${withHeaders}/${settings.streams} streams open${openStreamsSeen === null ? '' : ` (it reports ${openStreamsSeen})`}: ${(loaded / MIB).toFixed(1)} MiB`);
  return {
    name: target.name,
    idleRssMiB: round(idle / MIB, 1),
    loadedRssMiB: round(loaded / MIB, 1),
    openStreamsSeen,
    streamsWithHeaders: withHeaders,
    rssRatio: ratio(loaded, idle, 2),
    perStreamKiB: round((loaded - idle) / 1024 / settings.streams, 1),
  };
}

/** Runs the memory phase with an in-process mock; each target is a fresh process, stopped by PID. */
export async function runMemory(settings: MemorySettings = MEMORY_DEFAULTS, log: (line: string) => void = console.log): Promise<MemoryResult> {
  const mock = await startMockUpstream({ name: 'memory' });
  const dir = mkdtempSync(join(tmpdir(), 'ai-failover-bench-memory-'));
  const targets: MemoryFigures[] = [];
  try {
    const passthrough = await startPassthroughProcess(new URL(mock.url).origin);
    try {
      targets.push(await measure({ name: TARGETS.passthrough, url: passthrough.url, rssBytes: passthrough.rssBytes }, mock, settings, log));
    } finally {
      await passthrough.stop();
    }
    const before = beforeBundle();
    const builds: Array<{ name: string; bundle?: string }> = before ? [{ name: TARGETS.proxyBefore, bundle: before.path }] : [];
    builds.push({ name: TARGETS.proxy });
    for (const build of builds) {
      const start = (upstreamFields: Record<string, unknown>): Promise<ProxyProcess> => {
        const configPath = join(dir, 'config.yaml');
        writeFileSync(configPath, stringify({ upstreams: configUpstreams([mock.url, mock.url], upstreamFields) }));
        return startProxyProcess({ env: proxyEnvWithConfig(configPath, PRODUCTION_EXTRA_ENV), bundle: build.bundle });
      };
      // an earlier build may predate upstreams[].maxConnections (and its cap): it refuses the field, and gets none
      const proxy = await start({ maxConnections: settings.maxConnections }).catch(() => start({}));
      try {
        const openStreams = async (): Promise<number> => {
          const status = await request(`${proxy.url}${PATHS.status}`, { headers: { authorization: `Bearer ${BENCH_CLIENT_KEY}` } });
          const json = await status.body.json() as { openStreams?: number };
          return json.openStreams ?? 0;
        };
        targets.push(await measure({ name: build.name, url: proxy.url, rssBytes: proxy.rssBytes, openStreams }, mock, settings, log));
      } finally {
        await proxy.stop();
      }
    }
    return { settings, targets };
  } finally {
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
