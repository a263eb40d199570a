import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { FailoverMonitoring, MetricsScrape } from '../../src/observability';

const selectorLabels = { app: 'holysheep-ai-proxy' };

describe('FailoverMonitoring', () => {
  it('emits only the dashboard by default (no CRD needed)', () => {
    // GIVEN default opt-ins
    const chart = Testing.chart();
    // WHEN the composite is added
    const monitoring = new FailoverMonitoring(chart, 'Monitoring', { selectorLabels });
    // THEN only the ConfigMap is synthesized
    expect(Testing.synth(chart).map((m) => m.kind)).toEqual(['ConfigMap']);
    expect(monitoring.serviceMonitor).toBeUndefined();
    expect(monitoring.alerts).toBeUndefined();
  });

  it('emits a PodMonitor when asked instead of a ServiceMonitor', () => {
    // GIVEN podMonitor without the dashboard
    const chart = Testing.chart();
    // WHEN the composite is added
    const monitoring = new FailoverMonitoring(chart, 'Monitoring', { selectorLabels, scrape: MetricsScrape.podMonitor(), dashboard: false });
    // THEN only the PodMonitor is synthesized, selecting the pods
    const manifests = Testing.synth(chart);
    expect(manifests.map((m) => m.kind)).toEqual(['PodMonitor']);
    expect(manifests[0].spec.selector.matchLabels).toEqual(selectorLabels);
    expect(monitoring.podMonitor).toBeDefined();
  });

  it('wires namespace, job and Prometheus labels into every child when all are enabled', () => {
    // GIVEN every opt-in and an alert threshold
    const chart = Testing.chart();
    // WHEN the composite is added
    new FailoverMonitoring(chart, 'Monitoring', {
      selectorLabels,
      namespaceName: 'production',
      serviceName: 'holysheep-ai-service',
      prometheusSelectorLabels: { release: 'kube-prometheus-stack' },
      scrape: MetricsScrape.serviceMonitor(),
      alerts: true,
      alertOptions: { breakerOpenFor: Duration.minutes(3) },
    });
    const manifests = Testing.synth(chart);
    const byKind = Object.fromEntries(manifests.map((m) => [m.kind, m]));
    // THEN the children share the matchers and labels
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'PrometheusRule', 'ServiceMonitor']);
    expect(byKind.ServiceMonitor.metadata).toMatchObject({ namespace: 'production', labels: { release: 'kube-prometheus-stack' } });
    expect(byKind.PrometheusRule.metadata).toMatchObject({ namespace: 'production', labels: { release: 'kube-prometheus-stack' } });
    const breaker = byKind.PrometheusRule.spec.groups[0].rules[0];
    expect(breaker.for).toBe('3m');
    expect(breaker.expr).toContain('{job="holysheep-ai-service",namespace="production"}');
    expect(byKind.ConfigMap.data['ai-failover-proxy.json']).toContain('job=\\"holysheep-ai-service\\"');
  });

  it('emits the prometheus-adapter rule for the proxy namespace when asked', () => {
    // GIVEN the adapter rule, its ConfigMap in the adapter's namespace
    const chart = Testing.chart();
    // WHEN the composite is added
    const monitoring = new FailoverMonitoring(chart, 'Monitoring', {
      selectorLabels,
      namespaceName: 'production',
      dashboard: false,
      prometheusAdapterRule: true,
      prometheusAdapterRuleOptions: { namespaceName: 'monitoring', name: 'proxy-adapter-rules' },
    });
    // THEN one ConfigMap restricted to the proxy's series
    const manifests = Testing.synth(chart);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual(['ConfigMap/monitoring/proxy-adapter-rules']);
    expect(monitoring.prometheusAdapterRule?.seriesQuery).toBe('http_requests_total{namespace="production",pod!=""}');
  });

  it('names the monitor and rule after name, and matches the PodMonitor job as namespace/name', () => {
    // GIVEN a name and a PodMonitor
    const chart = Testing.chart();
    // WHEN the composite is added
    const monitoring = new FailoverMonitoring(chart, 'Monitoring', {
      selectorLabels, namespaceName: 'production', serviceName: 'holysheep-ai-service', name: 'proxy', scrape: MetricsScrape.podMonitor(), alerts: true,
    });
    const manifests = Testing.synth(chart);
    const byKind = Object.fromEntries(manifests.map((m) => [m.kind, m]));
    // THEN the queries use the Prometheus Operator's PodMonitor job, not the Service name
    expect(monitoring.job).toBe('production/proxy');
    expect(byKind.PodMonitor.metadata.name).toBe('proxy');
    expect(byKind.PrometheusRule.metadata.name).toBe('proxy');
    expect(byKind.PrometheusRule.spec.groups[0].rules[0].expr).toContain('{job="production/proxy",namespace="production"}');
    expect(byKind.ConfigMap.data['ai-failover-proxy.json']).toContain('job=\\"production/proxy\\"');
  });

  it('refuses options for a part that is off', () => {
    // GIVEN / WHEN options without the opt-in / THEN it throws naming them
    const chart = Testing.chart();
    expect(() => new FailoverMonitoring(chart, 'A', { selectorLabels, alertOptions: { failoverRatePercent: 5 } }))
      .toThrow("'alertOptions' needs 'alerts: true' (received alerts: undefined)");
    expect(() => new FailoverMonitoring(chart, 'B', { selectorLabels, dashboard: false, dashboardOptions: { title: 'x' } }))
      .toThrow("'dashboardOptions' needs 'dashboard' to be true (received dashboard: false)");
    expect(() => new FailoverMonitoring(chart, 'D', { selectorLabels, prometheusAdapterRuleOptions: { name: 'x' } }))
      .toThrow("'prometheusAdapterRuleOptions' needs 'prometheusAdapterRule: true' (received prometheusAdapterRule: undefined)");
  });
});
