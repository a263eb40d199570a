import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { find, Manifest, normalizeBundle, synthProxy } from './helpers';
import { validateAll } from './kubernetes-models';
import { FailoverAlerts, FailoverDashboard, FailoverProxy, MetricsScrape, PrometheusAdapterRule } from '../../src';
import { PATHS, PORT_NAMES } from '../../src/contract';

/** Every opt-in of `monitoring`. */
const ALL_ON = {
  prometheusSelectorLabels: { release: 'kube-prometheus-stack' },
  scrape: MetricsScrape.serviceMonitor(),
  alerts: true,
  dashboard: true,
  prometheusAdapterRule: true,
};

/** Kinds and namespaces of `manifests`, sorted, as `Kind/namespace/name`. */
function inventory(manifests: Manifest[]): string[] {
  return manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`).sort();
}

describe('FailoverProxy monitoring', () => {
  it('emits no monitoring object and no field by default', () => {
    // GIVEN / WHEN the default proxy
    const { proxy, manifests } = synthProxy();
    // THEN
    expect(proxy.monitoring).toBeUndefined();
    expect(proxy.dashboard).toBeUndefined();
    expect(proxy.scaledObject).toBeUndefined();
    expect(manifests.filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata.name))
      .toEqual(['holysheep-config', expect.stringMatching(/^holysheep-ai-proxy-runtime-/)]);
  });

  it('emits ServiceMonitor, PrometheusRule, dashboard and adapter rule wired to the proxy', () => {
    // GIVEN / WHEN every opt-in, in the proxy's own chart
    const { proxy, manifests } = synthProxy({ monitoring: ALL_ON });
    // THEN each object is there with the proxy's names and namespaces
    expect(inventory(normalizeBundle(manifests).filter((m) => !['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceAccount'].includes(m.kind))))
      .toEqual([
        'ConfigMap/monitoring/holysheep-ai-proxy-adapter-rules',
        'ConfigMap/production/holysheep-ai-proxy-dashboard',
        'ConfigMap/production/holysheep-ai-proxy-runtime-<sha256>',
        'ConfigMap/production/holysheep-config',
        'PrometheusRule/production/holysheep-ai-proxy',
        'ServiceMonitor/production/holysheep-ai-proxy',
      ].sort());
    expect(proxy.monitoring?.serviceMonitor).toBeDefined();
    expect(proxy.monitoring?.alerts).toBeInstanceOf(FailoverAlerts);
    expect(proxy.monitoring?.prometheusAdapterRule).toBeInstanceOf(PrometheusAdapterRule);
    expect(proxy.monitoring?.dashboard).toBeUndefined();
    expect(proxy.dashboard).toBeInstanceOf(FailoverDashboard);
    expect(proxy.node.tryFindChild('Dashboard')).toBe(proxy.dashboard);
  });

  it('makes the ServiceMonitor select the Service and scrape its metrics port', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ monitoring: { scrape: MetricsScrape.serviceMonitor(), dashboard: false } });
    const monitor = find(manifests, 'ServiceMonitor');
    const service = find(manifests, 'Service');
    // THEN the selector matches the Service's labels and the endpoint names a Service port
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) {
      expect(service.metadata.labels[key]).toBe(value);
    }
    expect(service.spec.ports.map((p: any) => p.name)).toContain(monitor.spec.endpoints[0].port);
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: PORT_NAMES.metrics, path: PATHS.metrics });
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['production'] });
  });

  it('matches alerts, dashboard and adapter rule to the proxy namespace and Service job', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ serviceName: 'llm', monitoring: ALL_ON });
    // THEN
    const expr = find(manifests, 'PrometheusRule').spec.groups[0].rules[0].expr;
    expect(expr).toContain('job="llm"');
    expect(expr).toContain('namespace="production"');
    const dashboard = find(manifests, 'ConfigMap', 'holysheep-ai-proxy-dashboard');
    expect(dashboard.metadata.labels).toEqual({ grafana_dashboard: '1' });
    expect(dashboard.data[FailoverDashboard.DATA_KEY]).toContain('job=\\"llm\\"');
    const adapter = find(manifests, 'ConfigMap', 'holysheep-ai-proxy-adapter-rules');
    expect(adapter.data[PrometheusAdapterRule.CONFIG_KEY]).toContain('http_requests_total{namespace="production",pod!=""}');
  });

  it('puts the adapter rule into monitoringNamespace unless its options name another', () => {
    // GIVEN / WHEN
    const own = synthProxy({ monitoringNamespace: 'observability', monitoring: { prometheusAdapterRule: true, dashboard: false } });
    const explicit = synthProxy({
      monitoring: { prometheusAdapterRule: true, prometheusAdapterRuleOptions: { namespaceName: 'custom-metrics', name: 'adapter' }, dashboard: false },
    });
    // THEN
    expect(inventory(own.manifests.filter((m) => m.metadata.name.includes('adapter')))).toEqual(['ConfigMap/observability/holysheep-ai-proxy-adapter-rules']);
    expect(inventory(explicit.manifests.filter((m) => m.metadata.name === 'adapter'))).toEqual(['ConfigMap/custom-metrics/adapter']);
  });

  it('matches the PodMonitor job (namespace/name) in alerts and dashboard', () => {
    // GIVEN / WHEN a PodMonitor instead of a ServiceMonitor
    const { proxy, manifests } = synthProxy({ monitoring: { scrape: MetricsScrape.podMonitor(), alerts: true } });
    // THEN the queries use the job the Prometheus Operator gives PodMonitor targets
    expect(proxy.monitoring?.job).toBe('production/holysheep-ai-proxy');
    expect(find(manifests, 'PodMonitor').metadata.name).toBe('holysheep-ai-proxy');
    expect(find(manifests, 'PrometheusRule').spec.groups[0].rules[0].expr).toContain('job="production/holysheep-ai-proxy"');
    expect(find(manifests, 'ConfigMap', 'holysheep-ai-proxy-dashboard').data[FailoverDashboard.DATA_KEY]).toContain('job=\\"production/holysheep-ai-proxy\\"');
  });

  it('validates the PodMonitor and PrometheusRule against their CRD schemas', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ monitoring: { scrape: MetricsScrape.podMonitor(), alerts: true } });
    // THEN
    const kinds = validateAll(manifests);
    expect(kinds).toContain('PodMonitor');
    expect(kinds).toContain('PrometheusRule');
  });

  it('creates the CRD-backed and cross-namespace objects in monitoringScope, keeping names and namespace', () => {
    // GIVEN a main chart and a separate monitoring chart
    const app = Testing.app();
    const chart = new Chart(app, 'main', { namespace: 'production', disableResourceNameHashes: true });
    const monitoringChart = new Chart(app, 'mon', { disableResourceNameHashes: true });
    // WHEN
    const proxy = new FailoverProxy(chart, 'Proxy', { monitoring: ALL_ON, monitoringScope: monitoringChart });
    // THEN the main chart holds only built-in kinds in its namespace, the other chart the rest
    const main = Testing.synth(chart) as Manifest[];
    const monitoring = Testing.synth(monitoringChart) as Manifest[];
    expect(main.every((m) => m.metadata.namespace === 'production')).toBe(true);
    expect(main.map((m) => m.kind)).not.toContain('ServiceMonitor');
    expect(main.map((m) => m.metadata.name)).toContain('holysheep-ai-proxy-dashboard');
    expect(inventory(monitoring)).toEqual([
      'ConfigMap/monitoring/holysheep-ai-proxy-adapter-rules',
      'PrometheusRule/production/holysheep-ai-proxy',
      'ServiceMonitor/production/holysheep-ai-proxy',
    ]);
    expect(proxy.monitoring?.node.path).toBe('mon/Proxy/Monitoring');
  });

  it('keeps everything in the proxy when monitoringScope is in the proxy chart', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const proxy = new FailoverProxy(chart, 'Proxy', { monitoring: { scrape: MetricsScrape.serviceMonitor() }, monitoringScope: chart });
    // THEN
    expect(proxy.monitoring?.node.scope).toBe(proxy);
  });

  it('refuses a monitoringScope shared by two proxies with the same id', () => {
    // GIVEN two charts with a proxy named Proxy and one shared monitoring chart
    const app = new App({ outdir: '/nonexistent' });
    const shared = new Chart(app, 'mon');
    new FailoverProxy(new Chart(app, 'a'), 'Proxy', { monitoring: { scrape: MetricsScrape.serviceMonitor() }, monitoringScope: shared });
    // WHEN / THEN
    expect(() => new FailoverProxy(new Chart(app, 'b'), 'Proxy', { monitoring: { scrape: MetricsScrape.serviceMonitor() }, monitoringScope: shared }))
      .toThrow('\'monitoringScope\' already holds a construct named "Proxy" (received mon)');
  });

  it('refuses dashboard options without the dashboard and options of a part that is off', () => {
    // GIVEN / WHEN / THEN
    expect(() => synthProxy({ monitoring: { dashboard: false, dashboardOptions: { title: 'x' } } }))
      .toThrow('\'monitoring.dashboardOptions\' needs \'monitoring.dashboard\' to be true (received dashboard: false)');
    expect(() => synthProxy({ monitoring: { prometheusAdapterRuleOptions: { name: 'x' } } }))
      .toThrow('\'prometheusAdapterRuleOptions\' needs \'prometheusAdapterRule: true\' (received prometheusAdapterRule: undefined)');
  });
});
