/** FailoverProxy: one cluster's proxy, its props and the choices only it takes. Renderers live in private/. */
export * from './failover-proxy';
export * from './failover-proxy-props';
export * from './network-peer';
export * from './zone-spread';
