import type { ServerResponse } from 'node:http';
import type { TokenUsage } from '../../events';
import type { ProxyRoute } from '../intake/routes';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/**
 * The seam where API formats slot in. Every route carries one `ApiFormat`
 * (runtime/proxy/intake/routes.ts), and the stages of the path ask it, and
 * only it, about anything that depends on the API's shape:
 *
 * - intake: what a request body says (`requestFacts`);
 * - attempts: the body sent to one upstream (`upstreamBody`);
 * - response: usage in a JSON answer or a stream (`usageOfJson`,
 *   `streamFilter`), the upstream's error code, and the proxy's own errors
 *   (`sendError`, `streamErrorEvent`).
 *
 * The attempt loop, breakers, retries, deadlines, headers, limits and
 * metering stay format-free. A new client API (OpenAI Responses, Anthropic
 * Messages) is a new adapter here plus its routes; translating between a
 * client format and an upstream format is an adapter that wraps two.
 */
export interface ApiFormat {
  /** Short name for logs (e.g. `openai`). */
  readonly name: string;
  /** What the parsed request body asks for: the model (if named) and whether it wants a stream. */
  requestFacts(body: Readonly<Record<string, unknown>>, route: ProxyRoute): RequestFacts;
  /** The body one attempt sends to `upstream` (model rewrites, usage reporting asked for). */
  upstreamBody(route: ProxyRoute, upstream: UpstreamRuntime, body: Readonly<Record<string, unknown>> | undefined, stream: boolean): UpstreamBody;
  /** Token usage of a buffered JSON answer, if it reports any. */
  usageOfJson(body: Buffer): TokenUsage | undefined;
  /** The error code of an upstream error body, if readable and short (for the request log). */
  errorCodeOf(body: Buffer): string | undefined;
  /** A filter the stream relay passes every upstream chunk through. */
  streamFilter(stripUsage: boolean): StreamFilter;
  /** Sends one of the proxy's own error answers in this format. */
  sendError(res: ServerResponse, status: number, code: string, message: string, headers: Readonly<Record<string, string>>): void;
  /** The event that ends a stream that broke after output started (never a clean end). */
  streamErrorEvent(code: string, message: string): string;
}

/** What a request body asks for, as far as the proxy path cares. */
export interface RequestFacts {
  /** The model named by the client, if any (bounded). */
  readonly model?: string;
  readonly stream: boolean;
}

/** The body sent to one upstream, and whether the proxy asked for usage the client did not. */
export interface UpstreamBody {
  readonly body?: Buffer;
  /** The usage-only chunk must be dropped from the stream (the client did not ask for it). */
  readonly stripUsage: boolean;
}

/** Splits an upstream stream into whole events, notes usage, and says whether the stream ended properly. */
export interface StreamFilter {
  /** Usage reported by the stream so far. */
  readonly usage: TokenUsage | undefined;
  /** True once the format's end marker went through (OpenAI: `data: [DONE]`). */
  readonly ended: boolean;
  /** Feeds upstream bytes; returns the text to send to the client now (maybe empty). */
  push(chunk: Buffer | string): string;
  /** Whatever is left when the upstream ends. */
  flush(): string;
}
