// Public API of cdk8s-ai-failover. src/contract/ is internal and not exported.
export {};
