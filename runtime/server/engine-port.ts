import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyConfig } from '../../src/contract';
import type { Disposable } from '../core';
import type { ProxyEvents } from '../events';
import type { Logger } from '../ops/logger';
import type { ProxyRequestContext } from '../proxy/exchange';
import type { ResponseAffinity } from '../proxy/formats/response-affinity';
import type { UpstreamStatus } from '../proxy/proxy-engine';
import type { BreakerSharing } from '../proxy/upstreams/upstream-runtime';

/** Per-request context the server hands the engine. */
export type RequestContext = ProxyRequestContext;

/** One upstream as `/health/upstreams` and `/v1/status` show it. */
export type UpstreamStatusView = Readonly<UpstreamStatus>;

/**
 * What the server needs from the failover engine: the shape of `ProxyEngine`
 * (runtime/proxy/proxy-engine.ts), so tests can pass a small fake.
 */
export interface EnginePort {
  readonly config: ProxyConfig;
  reconfigure(config: ProxyConfig): void;
  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void>;
  upstreamStatus(): UpstreamStatusView[];
  /** Holds an upstream's breaker open by hand until the hold is disposed. */
  isolate(upstream: string): Disposable;
  openStreams(): number;
  abortStreams(reason: string): void;
  close(): Promise<void>;
}

/** Options an engine factory receives (those of `ProxyEngine`'s constructor). */
export interface EngineFactoryOptions {
  readonly config: ProxyConfig;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly events?: ProxyEvents;
  readonly logger?: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Breakers shared across replicas (shared state on). */
  readonly breakerSharing?: BreakerSharing;
  /** Which upstream created each Responses API id, fleet-wide (shared state on). */
  readonly responseAffinity?: ResponseAffinity;
}

/** Builds the engine (default: `new ProxyEngine(options)`). */
export type EngineFactory = (options: EngineFactoryOptions) => EnginePort;
