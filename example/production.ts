/**
 * The example's production deployment (used by example/main.ts and its test):
 * the playbook's setup in three regions (Asia-Pacific, US, EU), each preferring
 * its nearest HolySheep region, with the playbook's HPA and every observability
 * object turned on.
 */
import { App } from 'cdk8s';
import { HolySheepRegion, MetricsScrape, MultiRegionFailover, Upstream } from '../src';

/**
 * Adds the three regions to `app` (one chart per region, applies on a plain
 * cluster) and their ServiceMonitor, PrometheusRule and prometheus-adapter
 * rule to `monitoringApp` (one chart per region, needs Prometheus Operator).
 */
export function productionExample(app: App, monitoringApp: App): MultiRegionFailover {
  const ap = Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC);
  const us = Upstream.holySheep(HolySheepRegion.US);
  const eu = Upstream.holySheep(HolySheepRegion.EU);
  return new MultiRegionFailover(app, 'ai-failover', {
    namespaceName: 'production',
    monitoringApp,
    proxy: {
      monitoring: {
        // kube-prometheus-stack selects ServiceMonitors and PrometheusRules by its release label
        prometheusSelectorLabels: { release: 'kube-prometheus-stack' },
        scrape: MetricsScrape.serviceMonitor(),
        alerts: true,
        dashboard: true,
        // serves the HPA's Pods metric http_requests_per_second (prometheus-adapter `rules.existing`)
        prometheusAdapterRule: true,
      },
    },
    regions: [
      { name: 'asia-pacific', proxy: { upstreams: [ap, us, eu] } },
      { name: 'us', proxy: { upstreams: [us, eu, ap] } },
      { name: 'eu', proxy: { upstreams: [eu, us, ap] } },
    ],
  });
}
