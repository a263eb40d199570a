/**
 * Observability constructs: scraping (ServiceMonitor / PodMonitor), alerts
 * (PrometheusRule), the Grafana dashboard, the prometheus-adapter rule and the
 * KEDA ScaledObject alternative to the HPA. promql.ts and dashboard-json.ts are internal.
 */
export * from './failover-service-monitor';
export * from './failover-pod-monitor';
export * from './failover-alerts';
export * from './failover-dashboard';
export * from './prometheus-adapter-rule';
export * from './request-rate-scaled-object';
export * from './failover-monitoring';
export * from './metrics-scrape';
