import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyConfig } from '../../src/contract';
import type { RetryBudget } from '../core';
import type { ProxyEvents } from '../events';
import type { RequestRecord } from './request-record';
import type { ProxyRoute } from './intake/routes';
import type { UpstreamRuntime } from './upstreams/upstream-runtime';

/** Per-request context the server hands the engine. */
export interface ProxyRequestContext {
  /** Generated or accepted by the server, which also sets `x-request-id`. */
  requestId: string;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  /** Key fingerprint or remote address (for events/logs); never a key. */
  client?: string;
}

/** What the engine lends every request: its sinks, clocks and the live state a reload may replace. */
export interface EngineServices {
  readonly events: ProxyEvents;
  /** ms clock for the pure core. */
  readonly now: () => number;
  /** [0, 1) source for jitter. */
  readonly random: () => number;
  /** Stop functions of the streams open to clients (the drain calls them). */
  readonly streams: Set<(reason: string) => void>;
  /** The retry budget in force now (a reload may replace it mid-request). */
  retryBudget(): RetryBudget;
  /** The current runtime of the named upstream (a reload may have replaced its pool). */
  currentUpstream(name: string): UpstreamRuntime | undefined;
}

/** One routed request in flight: what each step of the proxy path reads and records into. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly ctx: ProxyRequestContext;
  /** The config the request started with (a reload does not change it). */
  readonly config: ProxyConfig;
  readonly route: ProxyRoute;
  readonly record: RequestRecord;
  readonly services: EngineServices;
}
