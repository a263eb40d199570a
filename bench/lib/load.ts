/**
 * Load generators on undici: a closed-loop runner (N workers, each sends the
 * next request when the previous one finished: for throughput) and an
 * open-loop runner (requests sent on a fixed schedule whatever the answers:
 * for the failover timeline, free of coordinated omission). Both are bounded
 * by a duration and a request cap.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { BENCH_CLIENT_KEY } from './env';
import { HEADERS } from '../../src/contract';

/** One request shape of a run. */
export interface LoadTarget {
  /** Origin, e.g. `http://127.0.0.1:8080`. */
  readonly origin: string;
  /** Path including the `/v1` prefix. */
  readonly path: string;
  readonly body: string;
  /** Streams: latency is time to the first body chunk (TTFB). */
  readonly stream: boolean;
}

/** Result of one request. */
export interface RequestResult {
  /** ms from send to response end (non-streams) or to the first body chunk (streams). */
  readonly latencyMs: number;
  /** ms from send to the end of the body. */
  readonly totalMs: number;
  /** 0 when no response arrived. */
  readonly status: number;
  readonly upstream?: string;
  /**
   * Streams: ms from send to the first chunk that carries content (a chat
   * delta with non-empty `content`), what a user of the stream waits for;
   * undefined when none came. A target that relays the role-only opening
   * chunk at once has its first byte before this; the proxy holds lifecycle
   * events back until content (issue 9), so for it the two coincide.
   */
  readonly firstContentMs?: number;
}

/** A chat stream chunk with text in it (`"content":"` then anything but the closing quote). */
const CONTENT_DELTA = /"content":"[^"]/;

/** Sends one request on `pool` and reads the whole body. Never throws. */
export async function sendOnce(pool: Pool, target: LoadTarget, signal?: AbortSignal): Promise<RequestResult> {
  const started = performance.now();
  try {
    const res = await pool.request({
      method: 'POST',
      path: target.path,
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${BENCH_CLIENT_KEY}` },
      body: target.body,
      signal,
    });
    let first: number | undefined;
    let content: number | undefined;
    // the last bytes of the previous chunk, so a marker split across two chunks is still seen
    let tail = '';
    for await (const chunk of res.body) {
      first ??= performance.now();
      if (target.stream && content === undefined) {
        const text = tail + (chunk as Buffer).toString('utf8');
        if (CONTENT_DELTA.test(text)) content = performance.now();
        tail = text.slice(-16);
      }
    }
    const end = performance.now();
    const upstream = res.headers[HEADERS.upstream];
    return {
      latencyMs: (target.stream ? (first ?? end) : end) - started,
      totalMs: end - started,
      status: res.statusCode,
      upstream: typeof upstream === 'string' ? upstream : undefined,
      firstContentMs: content === undefined ? undefined : content - started,
    };
  } catch {
    const end = performance.now();
    return { latencyMs: end - started, totalMs: end - started, status: 0 };
  }
}

/** Options of {@link closedLoop}. */
export interface ClosedLoopOptions {
  readonly concurrency: number;
  readonly durationMs: number;
  /** Hard cap on requests sent. */
  readonly maxRequests: number;
}

/** Result of {@link closedLoop}. */
export interface ClosedLoopResult {
  readonly concurrency: number;
  readonly completed: number;
  readonly errors: number;
  readonly elapsedMs: number;
  /** Successful requests per second. */
  readonly throughputRps: number;
  /** Latencies (ms) of successful requests. */
  readonly latenciesMs: number[];
}

/** Runs `concurrency` workers against `target` until the duration or the cap is reached. */
export async function closedLoop(target: LoadTarget, options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const pool = new Pool(target.origin, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const latenciesMs: number[] = [];
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < until && sent < options.maxRequests) {
      sent += 1;
      const r = await sendOnce(pool, target);
      if (r.status >= 200 && r.status < 300) latenciesMs.push(r.latencyMs);
      else errors += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    await pool.close();
  }
  const elapsedMs = performance.now() - started;
  return {
    concurrency: options.concurrency,
    completed: latenciesMs.length,
    errors,
    elapsedMs,
    throughputRps: latenciesMs.length / (elapsedMs / 1000),
    latenciesMs,
  };
}

/** Options of {@link openLoop}. */
export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Hard cap on requests sent. */
  readonly maxRequests: number;
  /** Connections of the client pool (must exceed rate × worst latency). @default 512 */
  readonly connections?: number;
  /** Client-side timeout of one request, in ms. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Called when the schedule reaches `atMs` (ms since start), before that tick's requests. */
  readonly onTick?: (atMs: number) => void;
}

/** One request of an open-loop run, timed from the run's start. */
export interface OpenLoopSample extends RequestResult {
  /** Scheduled send time, ms since the run started. */
  readonly sentAtMs: number;
}

/**
 * Sends requests at a fixed rate for `durationMs` (request i is due at
 * i / rate seconds; late ticks catch up, so slow answers never slow the
 * schedule) and waits for every answer.
 */
export async function openLoop(target: LoadTarget, options: OpenLoopOptions): Promise<OpenLoopSample[]> {
  const pool = new Pool(target.origin, {
    connections: options.connections ?? 512,
    pipelining: 1,
    headersTimeout: options.requestTimeoutMs ?? 10_000,
    bodyTimeout: options.requestTimeoutMs ?? 10_000,
  });
  const samples: OpenLoopSample[] = [];
  const pending: Array<Promise<void>> = [];
  const intervalMs = 1000 / options.ratePerSecond;
  const total = Math.min(options.maxRequests, Math.floor(options.durationMs / intervalMs));
  const started = performance.now();
  let i = 0;
  try {
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now() - started;
        options.onTick?.(now);
        while (i < total && i * intervalMs <= now) {
          const sentAtMs = i * intervalMs;
          i += 1;
          pending.push(sendOnce(pool, target).then((r) => {
            samples.push({ ...r, sentAtMs });
          }));
        }
        if (i >= total) {
          resolve();
          return;
        }
        setTimeout(tick, Math.max(1, Math.min(10, i * intervalMs - (performance.now() - started))));
      };
      tick();
    });
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
  return samples.sort((a, b) => a.sentAtMs - b.sentAtMs);
}
