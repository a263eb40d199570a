/** Autoscaling: how the proxy's replica count is decided (fixed, HPA, KEDA), and its scaling rules. */
export * from './autoscaling';
export * from './scaling-rules';
