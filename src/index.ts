// Public API of cdk8s-ai-failover. src/contract/ is internal and not exported.
export * from './secret-key-ref';
export * from './upstream';
export * from './autoscaling';
export * from './proxy-runtime';
export * from './zone-spread';
export * from './network-peer';
export * from './failover-proxy-props';
export * from './failover-proxy';
export * from './multi-region-failover';
export * from './observability';
