import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyConfig } from '../../src/contract';
import type { BreakerStateName, ProxyEvents } from '../events';
import type { Logger } from '../ops/logger';

/** Per-request context the server hands the engine (mirrors runtime/proxy/proxy-engine.ts). */
export interface RequestContext {
  readonly requestId: string;
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number;
  /** Key fingerprint or remote address; never a key. */
  readonly client?: string;
}

/** One upstream as `/health/upstreams` and `/v1/status` show it. */
export interface UpstreamStatusView {
  readonly name: string;
  readonly baseUrl: string;
  readonly priority: number;
  readonly weight: number;
  readonly state: BreakerStateName;
  readonly consecutiveFailures: number;
  readonly recentErrorRate: number;
  readonly recentLatencyMs: number | null;
  readonly openUntil: string | null;
  readonly models: readonly string[];
}

/**
 * What the server needs from the failover engine: the shape of `ProxyEngine`
 * (runtime/proxy/proxy-engine.ts), so tests can pass a small fake.
 */
export interface EnginePort {
  readonly config: ProxyConfig;
  reconfigure(config: ProxyConfig): void;
  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void>;
  upstreamStatus(): UpstreamStatusView[];
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
}

/** Builds the engine (default: `new ProxyEngine(options)`). */
export type EngineFactory = (options: EngineFactoryOptions) => EnginePort;
