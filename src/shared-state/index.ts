/** SharedState: where the replicas share rate limits, breakers and usage (Redis), and the Redis it can deploy. */
export * from './shared-state';
export * from './shared-state-options';
export * from './shared-state-redis';
