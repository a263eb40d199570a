/**
 * What the proxy path reports as it works. The proxy (runtime/proxy/) calls
 * these; metrics, the usage report and request logs (runtime/ops/) listen.
 * Every field is bounded: no key, prompt or free-form text from a client.
 */

/** Why an attempt on one upstream ended. */
export type AttemptOutcome =
  | 'success'
  /** 4xx other than 429: passed to the client, never counted against the upstream. */
  | 'client_error'
  /** 5xx from the upstream. */
  | 'server_error'
  /** 429 from the upstream. */
  | 'rate_limited'
  /** connect / headers / first-token / idle timeout, or the deadline. */
  | 'timeout'
  /** refused, reset, DNS, TLS. */
  | 'connection_error'
  /** the client went away. */
  | 'aborted'
  /**
   * the upstream does not serve this API (404/405 on a Responses route): the
   * next upstream is tried and this one is never counted against.
   */
  | 'unsupported';

/** Breaker states, as the gauge and /v1/status show them. */
export type BreakerStateName = 'closed' | 'half_open' | 'open';

export interface RequestStartedEvent {
  readonly requestId: string;
  /** Route template such as `/v1/chat/completions` (never a raw URL). */
  readonly route: string;
  readonly stream: boolean;
}

/**
 * One attempt on one upstream. A stream's attempt is reported when the
 * stream ends, with the outcome and code of a break after output started
 * (its `latencyMs` stays the time to its first content).
 */
export interface AttemptFinishedEvent {
  readonly requestId: string;
  readonly route: string;
  readonly upstream: string;
  /** 1-based attempt number within the request. */
  readonly attempt: number;
  readonly outcome: AttemptOutcome;
  /** Upstream status code, when one was received. */
  readonly status?: number;
  /** Time from sending the request to headers (or failure), in ms. */
  readonly latencyMs: number;
  /**
   * Failed attempts: the undici / Node / TLS error code (`ECONNREFUSED`,
   * `UND_ERR_HEADERS_TIMEOUT`, `CERT_HAS_EXPIRED`) or the proxy's own timeout
   * code (`PROXY_TRY_TIMEOUT`, ...), so a TLS problem reads apart from an outage.
   */
  readonly errorCode?: string;
}

export interface FailoverEvent {
  readonly requestId: string;
  readonly route: string;
  readonly from: string;
  readonly to: string;
  readonly reason: AttemptOutcome;
}

export interface BreakerTransitionEvent {
  readonly upstream: string;
  readonly from: BreakerStateName;
  readonly to: BreakerStateName;
}

export interface TokenUsage {
  /** Every input token, cache reads and writes included. */
  readonly promptTokens: number;
  /** Every output token, reasoning included. */
  readonly completionTokens: number;
  /** Input tokens read from the provider's prompt cache (part of `promptTokens`). */
  readonly cachedTokens?: number;
  /** Input tokens written to the prompt cache (part of `promptTokens`). */
  readonly cacheWriteTokens?: number;
  /** Reasoning tokens (part of `completionTokens`). */
  readonly reasoningTokens?: number;
}

export interface RequestFinishedEvent {
  readonly requestId: string;
  readonly route: string;
  /** The model the client asked for, or `unknown` (bounded by the pricing table / upstream model lists in metrics). */
  readonly model: string;
  /** Status sent to the client. */
  readonly status: number;
  readonly stream: boolean;
  /** Upstream that served the response, if any did. */
  readonly upstream?: string;
  /** Attempts made (0 when refused before any attempt). */
  readonly attempts: number;
  /** Attempts after the first that went to another upstream (upstream switches). */
  readonly failovers: number;
  /**
   * Attempts that failed in a retryable way (429, 5xx, timeout, connection
   * error): the seed's `failover_count` adds one for each.
   */
  readonly failedAttempts: number;
  /** Retries (attempts after the first). */
  readonly retries: number;
  readonly durationMs: number;
  /** The proxy's own time: duration minus time spent waiting on upstreams. */
  readonly overheadMs: number;
  /** Streams: time to the first byte sent to the client. */
  readonly timeToFirstTokenMs?: number;
  readonly usage?: TokenUsage;
  readonly costUsd?: number;
  /** OpenAI-style error code when the proxy answered with an error. */
  readonly errorCode?: string;
  /** Client identity for rate limiting / logs: a key fingerprint or address, never a key. */
  readonly client?: string;
  /** The error code of the last failed attempt (see {@link AttemptFinishedEvent.errorCode}). */
  readonly upstreamErrorCode?: string;
  /** Secrets removed from the response before the client saw it (body and headers). */
  readonly redactions?: number;
  /** Why the response was streamed through unpriced instead of buffered, when it was. */
  readonly unbuffered?: UnbufferedReason;
}

/** Why a JSON response was passed through unbuffered (and so unpriced). */
export type UnbufferedReason =
  /** `limits.maxBufferedResponseBytes` (the pod-wide total) had no room for it. */
  | 'buffer_budget'
  /** It is larger than `limits.maxResponseBytes`. */
  | 'response_too_large';

/** The observability sink of the proxy path. Implementations must not throw. */
export interface ProxyEvents {
  requestStarted(event: RequestStartedEvent): void;
  attemptFinished(event: AttemptFinishedEvent): void;
  failover(event: FailoverEvent): void;
  retryBudgetRejected(event: { readonly upstream: string }): void;
  breakerTransition(event: BreakerTransitionEvent): void;
  streamOpened(): void;
  streamClosed(): void;
  requestFinished(event: RequestFinishedEvent): void;
}

/** Listens to nothing; the default sink. */
export const NO_EVENTS: ProxyEvents = {
  requestStarted: () => undefined,
  attemptFinished: () => undefined,
  failover: () => undefined,
  retryBudgetRejected: () => undefined,
  breakerTransition: () => undefined,
  streamOpened: () => undefined,
  streamClosed: () => undefined,
  requestFinished: () => undefined,
};

/**
 * Fans one event out to several sinks; a throwing sink never breaks the
 * proxy path. Each method is its own loop (no rest arguments or method
 * lookup by name): these run several times per request.
 */
export function combineEvents(...sinks: ProxyEvents[]): ProxyEvents {
  const each = (call: (sink: ProxyEvents) => void): void => {
    for (let i = 0; i < sinks.length; i++) {
      try {
        call(sinks[i]);
      } catch {
        // a broken sink must not take the request down
      }
    }
  };
  return {
    requestStarted: (event) => each((sink) => sink.requestStarted(event)),
    attemptFinished: (event) => each((sink) => sink.attemptFinished(event)),
    failover: (event) => each((sink) => sink.failover(event)),
    retryBudgetRejected: (event) => each((sink) => sink.retryBudgetRejected(event)),
    breakerTransition: (event) => each((sink) => sink.breakerTransition(event)),
    streamOpened: () => each((sink) => sink.streamOpened()),
    streamClosed: () => each((sink) => sink.streamClosed()),
    requestFinished: (event) => each((sink) => sink.requestFinished(event)),
  };
}
