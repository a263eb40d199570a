/**
 * Memory: RSS of the proxy process idle (after a short warm-up) and with
 * 1,000 concurrent open streams, in the same run.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Pool, request } from 'undici';
import { chatBody, proxyEnv } from './lib/env';
import { closedLoop } from './lib/load';
import { startProxyProcess } from './lib/proxy-process';
import { startMockUpstream } from '../runtime/mock/mock-upstream';
import { PATHS } from '../src/contract';
import { ratio, round } from './lib/stats';

/** Settings of the memory phase. */
export interface MemorySettings {
  readonly streams: number;
  /** Delay between two chunks of a mock stream: keeps streams open while RSS is read. */
  readonly chunkDelayMs: number;
  /** Longest wait for every stream to be open. */
  readonly openTimeoutMs: number;
}

/** Result of {@link runMemory}. */
export interface MemoryResult {
  readonly settings: MemorySettings;
  readonly idleRssMiB: number;
  readonly loadedRssMiB: number;
  /** Streams the proxy reported open (`/v1/status`) while RSS was read. */
  readonly openStreamsSeen: number;
  readonly streamsWithHeaders: number;
  /** loaded / idle. */
  readonly rssRatio: number;
  /** (loaded − idle) / streams, in KiB. */
  readonly perStreamKiB: number;
}

/** Default: 1,000 streams of a mock that waits 2 s between chunks. */
export const MEMORY_DEFAULTS: MemorySettings = { streams: 1000, chunkDelayMs: 2000, openTimeoutMs: 15_000 };

const MIB = 1024 * 1024;

/** Runs the memory phase with an in-process mock and a fresh proxy process. */
export async function runMemory(settings: MemorySettings = MEMORY_DEFAULTS, log: (line: string) => void = console.log): Promise<MemoryResult> {
  const mock = await startMockUpstream({ name: 'memory' });
  try {
    const proxy = await startProxyProcess({ env: proxyEnv([mock.url]) });
    try {
      const target = { origin: proxy.url, path: PATHS.chatCompletions, body: chatBody(true), stream: true };
      await closedLoop(target, { concurrency: 4, durationMs: 500, maxRequests: 500 });
      await new Promise((r) => setTimeout(r, 500));
      const idle = proxy.rssBytes();
      log(`  idle RSS ${(idle / MIB).toFixed(1)} MiB`);

      mock.setMode({ kind: 'slow-stream', chunkDelayMs: settings.chunkDelayMs });
      const pool = new Pool(proxy.url, {
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
          const res = await pool.request({ method: 'POST', path: PATHS.chatCompletions, headers: { 'content-type': 'application/json' }, body: target.body, signal: abort.signal });
          withHeaders += 1;
          await res.body.dump({ limit: Number.MAX_SAFE_INTEGER, signal: abort.signal }).catch(() => undefined);
        } catch {
          // aborted at the end of the phase
        }
      });
      const until = performance.now() + settings.openTimeoutMs;
      while (withHeaders < settings.streams && performance.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
      }
      let loaded = 0;
      let openStreamsSeen = 0;
      for (let k = 0; k < 5; k++) {
        loaded = Math.max(loaded, proxy.rssBytes());
        const status = await request(`${proxy.url}${PATHS.status}`);
        const body = await status.body.json() as { openStreams?: number };
        openStreamsSeen = Math.max(openStreamsSeen, body.openStreams ?? 0);
        await new Promise((r) => setTimeout(r, 100));
      }
      log(`  ${withHeaders}/${settings.streams} streams open (proxy reports ${openStreamsSeen}); RSS ${(loaded / MIB).toFixed(1)} MiB`);
      abort.abort();
      await Promise.all(streams);
      await pool.destroy();
      return {
        settings,
        idleRssMiB: round(idle / MIB, 1),
        loadedRssMiB: round(loaded / MIB, 1),
        openStreamsSeen,
        streamsWithHeaders: withHeaders,
        rssRatio: ratio(loaded, idle, 2),
        perStreamKiB: round((loaded - idle) / 1024 / settings.streams, 1),
      };
    } finally {
      await proxy.stop();
    }
  } finally {
    await mock.close();
  }
}
