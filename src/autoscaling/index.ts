/** Autoscaling: how the proxy's replica count is decided (fixed, HPA, KEDA). */
export * from './autoscaling';
