/** MultiRegionFailover: one chart (one file) per region, each with a FailoverProxy. */
export * from './multi-region-failover';
