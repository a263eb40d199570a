/**
 * Public API of cdk8s-ai-failover, one folder per construct or choice:
 * - failover-proxy/: the one-cluster proxy (FailoverProxy, its props, NetworkPeer, zone spread)
 * - multi-region-failover/: one chart per region
 * - upstream/, autoscaling/, proxy-runtime/, secret-key-ref/, shared-state/: the choices a proxy is made of
 * - observability/: scraping, alerts, dashboard, prometheus-adapter rule, KEDA ScaledObject
 * - testing/: snapshot-test helpers (FailoverTesting)
 * Each folder's `private/` and src/private/ hold internal renderers and checks;
 * src/contract/ (shared with the runtime) is internal and not exported.
 */
export * from './failover-proxy';
export * from './multi-region-failover';
export * from './upstream';
export * from './autoscaling';
export * from './proxy-runtime';
export * from './secret-key-ref';
export * from './shared-state';
export * from './observability';
export * from './testing';
