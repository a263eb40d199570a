import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyConfig } from '../../src/contract';
import type { RetryBudget } from '../core';
import type { ProxyEvents } from '../events';
import type { ResponseAffinity } from './formats/response-affinity';
import type { ProxyRoute } from './intake/routes';
import type { BufferBudget } from './response/buffer-budget';
import type { SecretRedactor } from './response/secret-redactor';
import type { UpstreamRuntime } from './upstreams/upstream-runtime';

/** Per-request context the server hands the engine. */
export interface ProxyRequestContext {
  /** Generated or accepted by the server, which also sets `x-request-id`. */
  readonly requestId: string;
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number;
  /** Key fingerprint or remote address (for events/logs); never a key. */
  readonly client?: string;
  /** The route the server matched, method checked, from the engine's table (intake/routes.ts). */
  readonly route: ProxyRoute;
  /** The request body when the server already read it (bounded by `maxBodyBytes`); else the engine reads it. */
  readonly body?: Buffer;
  /**
   * The `X-Forwarded-For` the upstream gets (the socket address, appended to
   * a trusted proxy's list); absent: the socket's address.
   */
  readonly forwardedFor?: string;
  /** The socket peer is in `server.trustedProxyCidrs`: its forwarding headers go upstream. */
  readonly trustedPeer?: boolean;
}

/** What the engine lends every request: its sinks, clocks and the live state a reload may replace. */
export interface EngineServices {
  readonly events: ProxyEvents;
  /** ms clock for the pure core. */
  readonly now: () => number;
  /** [0, 1) source for jitter. */
  readonly random: () => number;
  /** Which upstream created each Responses API response id. */
  readonly affinity: ResponseAffinity;
  /** Stop functions of the streams open to clients (the drain calls them). */
  readonly streams: Set<(reason: string) => void>;
  /** Stop functions of buffered requests waiting on an upstream (the drain answers them 503). */
  readonly waiting: Set<(reason: string) => void>;
  /** The pod-wide budget of response bytes buffered at once (`limits.maxBufferedResponseBytes`). */
  readonly bufferBudget: BufferBudget;
  /** Removes the proxy's secrets from what upstreams send back (follows reloads). */
  redactor(): SecretRedactor;
  /** The retry budget in force now (a reload may replace it mid-request). */
  retryBudget(): RetryBudget;
  /** The current runtime of the named upstream (a reload may have replaced its pool). */
  currentUpstream(name: string): UpstreamRuntime | undefined;
  /** Logs at debug level (e.g. the client fields a translation dropped). */
  debug(fields: Readonly<Record<string, unknown>>, message: string): void;
}

/** A request the engine accepted, before its body was read. */
export interface Intake {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly ctx: ProxyRequestContext;
  /** The config the request started with (a reload does not change it). */
  readonly config: ProxyConfig;
  readonly route: ProxyRoute;
  readonly services: EngineServices;
}

/** One routed request in flight, its body read: what each step of the attempts and the response reads. */
export interface Exchange extends Intake {
  /** The model the client asked for, or `unknown`. */
  readonly model: string;
  /** The client asked for a stream on a route that streams. */
  readonly stream: boolean;
  /**
   * Responses API: the request names a response (`previous_response_id`, or
   * the id in `/v1/responses/{id}`) that the pinned upstream created; only it
   * is tried, and when it cannot serve the answer says so.
   */
  readonly pinned?: PinnedResponse;
}

/** A request bound to the upstream that holds the response it names. */
export interface PinnedResponse {
  readonly responseId: string;
  readonly upstream: string;
  /** The request field that named it (`previous_response_id`), or undefined for the id in the path. */
  readonly param?: string;
}

/** How far the attempts got, as the failover headers report it. */
export interface AttemptTally {
  readonly attempts: number;
  /** Time spent waiting on upstreams and backoff (not the proxy's own overhead). */
  readonly waitedMs: number;
}

/**
 * What one step sent the client, returned to the attempt loop (the only
 * writer of the request record): the status, the error code when it was an
 * error, and the upstream that answered.
 */
export interface Answer {
  readonly status: number;
  readonly errorCode?: string;
  readonly upstream?: string;
}
