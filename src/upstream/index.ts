/** Upstream: the provider regions a proxy fails over between. */
export * from './upstream';
export * from './upstream-format';
