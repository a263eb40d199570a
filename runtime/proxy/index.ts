/**
 * The proxy path, in the order a request takes it:
 *
 * - proxy-engine.ts — the composition: config and reloads, status, isolation, shutdown
 * - intake/      — the route table (one per API format), the bounded body, JSON checks
 * - attempts/    — the attempt loop (owner of the request record), one upstream try,
 *                  failure classes, breaker verdicts, the answers when attempts run out, waits
 * - response/    — the JSON commit (usage priced), the stream relay, SSE usage, failover headers
 * - upstreams/   — pools (connection cap, egress), upstream runtimes (breaker, pool), forwarded
 *                  headers, health checks, the models list filter
 * - formats/     — the API format a route speaks (api-format.ts: the seam new client APIs use)
 */
export { ProxyEngine, type ProxyEngineOptions, type ProxyRequestContext, type UpstreamStatus } from './proxy-engine';
export { matchRoute, ROUTES, type ProxyRoute } from './intake/routes';
export type { ApiFormat, RequestFacts, RequestProblem } from './formats/api-format';
