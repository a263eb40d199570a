import type { ServerResponse } from 'node:http';
import type { ClientApi, JsonObject, RequestRefusal, UpstreamFormat } from './types';
import type { UnsupportedPlan, UpstreamPlan } from './upstream-plan';
import type { ProxyRoute } from '../intake/routes';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/**
 * The seam where API formats slot in. Every route carries one `ApiFormat`
 * (runtime/proxy/intake/routes.ts), and the stages of the path ask it, and
 * only it, about anything that depends on the client API's shape:
 *
 * - intake: what a request body says (`requestFacts`) and whether it is
 *   well-formed for the API (`checkRequest`);
 * - attempts: which upstream formats can serve it (`serves`) and what one
 *   upstream is sent (`plan`: natively, or through the pair's translator);
 * - response: the upstream's error code, and the proxy's own errors in the
 *   route's shape (`sendError`, `errorBody`, `streamErrorEvent`).
 *
 * What an upstream answers is read by the wire shape of the attempt's plan
 * (usage, stream events: formats/usage.ts, formats/stream-pipeline.ts), so a
 * chat route served by an anthropic upstream is priced from Anthropic's usage.
 * The attempt loop, breakers, retries, deadlines, headers, limits and
 * metering stay format-free.
 */
export interface ApiFormat {
  /** Short name for logs (e.g. `chat`). */
  readonly name: string;
  /** The client API the route speaks. */
  readonly api: ClientApi;
  /** What the parsed request body asks for: the model (if named) and whether it wants a stream. */
  requestFacts(body: Readonly<JsonObject>, route: ProxyRoute): RequestFacts;
  /** A 400 for a body this API cannot accept (the field named), or undefined. */
  checkRequest(body: Readonly<JsonObject>): RequestProblem | undefined;
  /** True when an upstream of `format` can serve this API (natively or by a translator). */
  serves(format: UpstreamFormat): boolean;
  /** What one attempt sends `upstream` (path, body, the wire shape of its answer, the translator). */
  plan(
    route: ProxyRoute, subPath: string, upstream: UpstreamRuntime, body: Readonly<JsonObject> | undefined, stream: boolean,
  ): UpstreamPlan | UnsupportedPlan | RequestRefusal;
  /** The error code of an upstream error body of either shape, if readable and short (for the request log). */
  errorCodeOf(body: Buffer): string | undefined;
  /** The JSON error body in this API's shape. */
  errorBody(status: number, code: string, message: string, param?: string | null): unknown;
  /** Sends one of the proxy's own error answers in this API's shape. */
  sendError(
    res: ServerResponse, status: number, code: string, message: string, headers: Readonly<Record<string, string>>, param?: string | null,
  ): void;
  /** The event that ends a stream that broke after output started (never a clean end). */
  streamErrorEvent(code: string, message: string): string;
}

/** What a request body asks for, as far as the proxy path cares. */
export interface RequestFacts {
  /** The model named by the client, if any (bounded). */
  readonly model?: string;
  readonly stream: boolean;
}

/** A request body the API refuses: 400 with the field named. */
export interface RequestProblem {
  readonly code: string;
  readonly param: string;
  readonly message: string;
}
