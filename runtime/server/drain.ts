import type { Server } from 'node:http';
import type { Lifecycle } from './app-server';
import type { EnginePort } from './engine-port';

/** Options of {@link drain}. */
export interface DrainOptions {
  /** Main-port server(s): closed after the shutdown delay. */
  readonly servers: readonly Server[];
  /** Closed last (the metrics port stays scrapable while draining). */
  readonly lateServers?: readonly Server[];
  readonly engine: Pick<EnginePort, 'openStreams' | 'abortStreams' | 'close'>;
  readonly lifecycle: Lifecycle;
  /** Requests in flight on the main port. */
  readonly inFlight: () => number;
  readonly shutdownDelayMs: number;
  readonly drainTimeoutMs: number;
  /** How often idle keep-alive sockets are closed while waiting (default 50 ms). */
  readonly pollMs?: number;
  readonly logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** What happened during a drain. */
export interface DrainResult {
  /** Streams aborted with an SSE error after the drain timeout. */
  readonly abortedStreams: number;
  /** True when everything finished within the drain timeout. */
  readonly clean: boolean;
}

/**
 * SIGTERM handling as a unit: readiness goes 503 at once (liveness stays
 * 200); after `shutdownDelayMs` the listeners stop accepting and idle
 * keep-alive sockets close; in-flight requests and streams get up to
 * `drainTimeoutMs`; streams still open then get an SSE error event
 * (`engine.abortStreams`) and the remaining sockets are closed.
 */
export async function drain(options: DrainOptions): Promise<DrainResult> {
  const pollMs = options.pollMs ?? 50;
  options.lifecycle.draining = true;
  options.logger?.info({ event: 'drain_started', shutdownDelayMs: options.shutdownDelayMs, drainTimeoutMs: options.drainTimeoutMs }, 'draining: readiness is now 503');
  await sleep(options.shutdownDelayMs);

  const closed = options.servers.map((server) => new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeIdleConnections();
  }));
  const busy = (): boolean => options.inFlight() > 0 || options.engine.openStreams() > 0;
  const deadline = Date.now() + options.drainTimeoutMs;
  while (busy() && Date.now() < deadline) {
    options.servers.forEach((server) => server.closeIdleConnections());
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
  }

  let abortedStreams = 0;
  const clean = !busy();
  if (!clean) {
    abortedStreams = options.engine.openStreams();
    options.logger?.warn({ event: 'drain_timeout', inFlight: options.inFlight(), openStreams: abortedStreams }, 'drain timeout: aborting open streams');
    options.engine.abortStreams('the proxy is shutting down');
    const graceEnd = Date.now() + 1000;
    while (busy() && Date.now() < graceEnd) await sleep(Math.min(pollMs, 20));
  }
  options.servers.forEach((server) => server.closeAllConnections());
  await Promise.all(closed);
  await options.engine.close();
  await Promise.all((options.lateServers ?? []).map((server) => new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  })));
  options.logger?.info({ event: 'drain_finished', clean, abortedStreams }, 'drained');
  return { abortedStreams, clean };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
