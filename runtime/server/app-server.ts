import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EnginePort } from './engine-port';
import { HEADERS, PATHS, type ProxyConfig } from '../../src/contract';
import { handleClientError } from '../http/client-error';
import { ForwardingPolicy } from '../http/forwarding-policy';
import { sendOpenAIError } from '../http/openai-error';
import type { ClientAuth } from '../ops/client-auth';
import type { Logger } from '../ops/logger';
import type { ProxyMetrics } from '../ops/metrics';
import { requestIdFrom } from '../ops/request-id';
import type { UsageReport, UsageTracker } from '../ops/usage-report';
import { readBoundedBody } from '../proxy/intake/request-body';
import { routePath, routesFor, type ProxyRoute } from '../proxy/intake/routes';
import { BufferBudget, type BufferLease } from '../proxy/response/buffer-budget';
import { failoverHeaders } from '../proxy/response/failover-headers';

/** Readiness as the server sees it; the drain flips `draining`. */
export interface Lifecycle {
  ready: boolean;
  draining: boolean;
}

/** One rate-limit answer: `unavailable` when shared state cannot be reached in fail-closed mode (503). */
export interface ClientRateDecision {
  readonly allowed: boolean;
  readonly retryAfterSeconds: number;
  readonly unavailable?: boolean;
}

/** The per-client rate limiter: pod-local, or shared across the replicas (then it may answer asynchronously). */
export interface ClientRateLimiter {
  readonly requestsPerMinute: number;
  take(client: string): ClientRateDecision | Promise<ClientRateDecision>;
}

/** Options of {@link createAppServer}. */
export interface AppServerOptions {
  readonly engine: EnginePort;
  readonly auth: ClientAuth;
  readonly rateLimiter: ClientRateLimiter;
  readonly metrics: ProxyMetrics;
  readonly usage: UsageTracker;
  /** The fleet's usage report (`/v1/usage?scope=fleet`); absent without shared state. */
  readonly fleetUsage?: () => Promise<UsageReport>;
  /** Shared state as `/v1/status` shows it (Redis reachable, redacted URL, key prefix, fail mode); absent without it. */
  readonly sharedStateStatus?: () => Record<string, unknown>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly lifecycle: Lifecycle;
  /** Config for limits; read on each request so reloads apply. */
  readonly config: () => ProxyConfig;
}

/** The main-port server and what the drain needs to watch. */
export interface AppServer {
  readonly server: Server;
  /** Requests currently being handled. */
  inFlight(): number;
  /** Applies the slow-client timeouts of a (new) config. */
  applyLimits(config: ProxyConfig): void;
}

/** Routes the server answers itself, with their method (HEAD allowed on these GETs). */
const OWN_ROUTES: ReadonlyMap<string, string> = new Map([
  [PATHS.healthLive, 'GET'],
  [PATHS.healthReady, 'GET'],
  [PATHS.healthUpstreams, 'GET'],
  [PATHS.status, 'GET'],
  [PATHS.usage, 'GET'],
]);

/** The proxy headers of a response no upstream was asked for (issue 3: every response carries them). */
export function ownResponseHeaders(started: number): Record<string, string> {
  return failoverHeaders('none', 0, performance.now() - started);
}

/**
 * How often Node checks the slow-client timeouts (`headersTimeout`,
 * `requestTimeout`): at its default of 30 s a 30 s timeout fired at up to
 * 60 s; checked every second, a timeout fires within about a second of its setting.
 */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/**
 * The main port: health paths, `/v1/status`, `/v1/usage`, then
 * auth → rate limit → declared body size (413) → concurrency →
 * `engine.handle` with the matched route. The server is the one front door:
 * it sets `x-request-id` and answers unknown paths (404) and wrong methods
 * (405), OpenAI-style; the engine only sees requests on its own routes.
 * Every response carries the failover headers (the server's own answers and
 * refusals: upstream `none`, 0 attempts).
 */
export function createAppServer(options: AppServerOptions): AppServer {
  const { engine, auth, rateLimiter, metrics, usage, logger, lifecycle } = options;
  let inFlight = 0;
  // request bodies held in memory, those still arriving included: many slow senders x maxBodyBytes is bounded
  const bodyBudget = new BufferBudget(options.config().limits.maxBufferedRequestBytes);
  metrics.attachRequestBodies(() => bodyBudget.used);
  // the forwarding policy follows reloads of server.trustedProxyCidrs
  let forwarding = { cidrs: [] as readonly string[], policy: new ForwardingPolicy([]) };
  const forwardingPolicy = (): ForwardingPolicy => {
    const cidrs = options.config().server.trustedProxyCidrs;
    if (cidrs !== forwarding.cidrs) forwarding = { cidrs, policy: new ForwardingPolicy(cidrs) };
    return forwarding.policy;
  };

  /** Refuses a request in its route's format (Anthropic's error shape on the Messages routes, OpenAI's elsewhere). */
  const refuse = (
    req: IncomingMessage, res: ServerResponse, route: string, started: number,
    status: number, code: string, message: string, headers: Record<string, string> = {}, engineRoute?: ProxyRoute,
  ): void => {
    const all = { ...ownResponseHeaders(started), ...headers };
    if (engineRoute) engineRoute.format.sendError(res, status, code, message, all);
    else sendOpenAIError(res, status, code, message, all);
    metrics.recordRequest({ route, model: 'other', status, durationMs: performance.now() - started });
    logger.info({ event: 'request', requestId: res.getHeader(HEADERS.requestId), route, status, errorCode: code, method: req.method }, 'request refused');
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers[HEADERS.requestId]);
    res.setHeader(HEADERS.requestId, requestId);
    if (lifecycle.draining) res.setHeader('connection', 'close');
    const path = routePath(req.url);

    const own = OWN_ROUTES.get(path);
    // the engine's routes on this path, one per method (an id route such as /v1/responses/{id} has two)
    const onPath = own === undefined ? routesFor(path) : [];
    const engineRoute = onPath.find((r) => r.method === req.method);
    if (own === undefined && onPath.length === 0) {
      refuse(req, res, 'other', started, 404, 'not_found', `unknown path ${JSON.stringify(path.slice(0, 100))}`);
      return;
    }
    const headAllowed = own === 'GET' && req.method === 'HEAD';
    if (own !== undefined ? req.method !== own && !headAllowed : engineRoute === undefined) {
      const allow = own === 'GET' ? 'GET, HEAD' : own ?? onPath.map((r) => r.method).join(', ');
      const template = onPath[0]?.route ?? path;
      refuse(req, res, template, started, 405, 'method_not_allowed', `${path.slice(0, 100)} accepts ${allow}, received ${String(req.method).slice(0, 16)}`, { allow }, onPath[0]);
      return;
    }
    // the metric route label: the route template (an id route's path carries an id)
    const label = engineRoute?.route ?? path;
    /** The server's own JSON answers carry the failover headers too (issue 3). */
    const answer = (status: number, body: unknown): void => sendJson(res, status, body, ownResponseHeaders(started));
    if (path === PATHS.healthLive) {
      answer(200, { status: 'ok' });
      return;
    }
    if (path === PATHS.healthReady) {
      const ok = lifecycle.ready && !lifecycle.draining;
      answer(ok ? 200 : 503, { status: ok ? 'ready' : lifecycle.draining ? 'draining' : 'starting' });
      return;
    }
    if (path === PATHS.healthUpstreams) {
      answer(200, { upstreams: engine.upstreamStatus() });
      return;
    }

    // every /v1/* path: auth, then rate limit
    const authResult = auth.check(req);
    if (!authResult.ok) {
      refuse(req, res, label, started, 401, 'invalid_api_key', authResult.message, {}, engineRoute);
      return;
    }
    // the client's address: the socket's, or what a trusted proxy (server.trustedProxyCidrs) forwarded
    const forwarded = forwardingPolicy().clientOf(req.socket.remoteAddress, req.headers);
    const client = authResult.client ?? `addr:${forwarded.address}`;
    const taken = rateLimiter.take(client);
    const decision = taken instanceof Promise ? await taken : taken;
    if (decision.unavailable) {
      refuse(req, res, label, started, 503, 'shared_state_unavailable', 'the rate limit cannot be checked: shared state (Redis) is unreachable and sharedState.failMode is closed, retry shortly', { 'retry-after': String(decision.retryAfterSeconds) }, engineRoute);
      return;
    }
    if (!decision.allowed) {
      metrics.rateLimitedRequest(label);
      refuse(req, res, label, started, 429, 'rate_limit_exceeded', `rate limit of ${rateLimiter.requestsPerMinute} requests per minute exceeded, retry after ${decision.retryAfterSeconds} s`, { 'retry-after': String(decision.retryAfterSeconds) }, engineRoute);
      return;
    }
    if (path === PATHS.status) {
      answer(200, {
        status: lifecycle.draining ? 'draining' : 'ok',
        upstreams: engine.upstreamStatus(),
        openStreams: engine.openStreams(),
        inFlightRequests: inFlight,
        ...(options.sharedStateStatus ? { sharedState: options.sharedStateStatus() } : {}),
      });
      return;
    }
    if (path === PATHS.usage) {
      const scope = new URL(req.url ?? '/', 'http://proxy').searchParams.get('scope') ?? 'pod';
      if (scope === 'pod') {
        answer(200, usage.report());
      } else if (scope !== 'fleet') {
        refuse(req, res, path, started, 400, 'invalid_scope', `scope must be pod or fleet (received ${JSON.stringify(scope.slice(0, 32))})`);
      } else if (!options.fleetUsage) {
        refuse(req, res, path, started, 400, 'shared_state_disabled', 'scope=fleet needs shared state: set REDIS_URL on every replica');
      } else {
        try {
          answer(200, await options.fleetUsage());
        } catch {
          refuse(req, res, path, started, 503, 'shared_state_unavailable', 'the fleet report needs shared state (Redis), which is unreachable; scope=pod answers from this replica', { 'retry-after': '1' });
        }
      }
      return;
    }

    // every path not answered above is one of the engine's
    const route = engineRoute as ProxyRoute;
    const maxBody = options.config().limits.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) {
      res.setHeader('connection', 'close');
      refuse(req, res, label, started, 413, 'request_too_large', `request body of ${declared} bytes exceeds the limit of ${maxBody} bytes`, {}, route);
      req.resume();
      return;
    }
    // the body is read before the request counts as in flight, so slow senders cannot take the
    // slots (they are bounded by limits.requestBodyTimeoutSeconds instead)
    let body: Buffer | undefined;
    let lease: BufferLease | undefined;
    if (route.hasBody) {
      bodyBudget.setLimit(options.config().limits.maxBufferedRequestBytes);
      lease = bodyBudget.lease();
      // the body's bytes are given back once the answer is done (a body is kept for replay on failover)
      releaseOnClose(res, lease);
      const read = await readBoundedBody(req, maxBody, lease);
      if (!read.ok && read.reason === 'over_budget') {
        res.setHeader('connection', 'close');
        const budget = bodyBudget.limit;
        refuse(req, res, label, started, 503, 'server_overloaded', `the proxy holds its limit of ${budget} bytes of request bodies (limits.maxBufferedRequestBytes), retry shortly`, { 'retry-after': '1' }, route);
        return;
      }
      if (!read.ok && read.reason === 'too_large') {
        res.setHeader('connection', 'close');
        refuse(req, res, label, started, 413, 'request_too_large', `request body of ${read.received} bytes exceeds the limit of ${maxBody} bytes`, {}, route);
        return;
      }
      if (!read.ok) {
        // the client went away while sending: nobody to answer (nginx's 499)
        metrics.recordRequest({ route: label, model: 'other', status: 499, durationMs: performance.now() - started });
        if (!res.writableEnded) res.destroy();
        return;
      }
      body = read.body;
    } else {
      req.resume();
    }
    const limit = options.config().limits.maxConcurrentRequests;
    if (inFlight >= limit) {
      refuse(req, res, label, started, 503, 'server_overloaded', `the proxy is at its limit of ${limit} concurrent requests (received request ${inFlight + 1}), retry shortly`, { 'retry-after': '1' }, route);
      return;
    }
    inFlight += 1;
    try {
      const { forwardedFor, trustedPeer } = forwarded;
      await engine.handle(req, res, { requestId, receivedAt: started, client, route, body, forwardedFor, trustedPeer });
    } catch (error) {
      logger.error({ event: 'engine_error', requestId, err: { message: (error as Error).message } }, 'engine failed');
      if (!res.headersSent) route.format.sendError(res, 500, 'internal_error', 'the proxy failed to handle the request', ownResponseHeaders(started));
      else if (!res.writableEnded) res.end();
    } finally {
      inFlight -= 1;
    }
  };

  const server = createServer({ connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS }, (req, res) => {
    void handler(req, res);
  });
  // requests Node's parser refuses (smuggling shapes, bad header characters, oversized headers,
  // slow-client timeouts) get an OpenAI-shaped JSON answer instead of an empty 400/431/408
  server.on('clientError', (error: Error & { code?: string }, socket) => {
    handleClientError(error, socket, (answer) => metrics.clientError(answer.reason), () => ownResponseHeaders(performance.now()));
  });
  const applyLimits = (config: ProxyConfig): void => {
    server.headersTimeout = config.limits.headersTimeoutSeconds * 1000;
    server.requestTimeout = Math.max(config.limits.requestBodyTimeoutSeconds, config.limits.headersTimeoutSeconds) * 1000;
  };
  applyLimits(options.config());
  return { server, inFlight: () => inFlight, applyLimits };
}

/** Sends a JSON body with a status (and any extra headers). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('cache-control', 'no-store');
  res.end(text);
}

/** Gives a request body's share of the pod's budget back once its response is done (or the client is gone). */
function releaseOnClose(res: ServerResponse, lease: BufferLease): void {
  if (res.closed) lease.release();
  else res.once('close', () => lease.release());
}
