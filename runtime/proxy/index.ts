/** The proxy path: the failover engine and the pieces it is built from. */
export { ProxyEngine, type ProxyEngineOptions, type ProxyRequestContext, type UpstreamStatus } from './proxy-engine';
export { matchRoute, type ProxyRoute } from './intake/routes';
