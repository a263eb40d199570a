export * from './failover-testing';
