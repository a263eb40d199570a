/**
 * The construct ids and tree shape of FailoverProxy are public contract
 * (renaming an id renames the synthesized object's logical identity for
 * anyone who patches or looks up children): these tests pin them.
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { synthProxy } from './helpers';
import { Autoscaling, FailoverProxy, MetricsScrape, ProxyRuntime, SecretKeyRef } from '../../src';

/** Ids of the direct children of `proxy`, in creation order. */
function childIds(proxy: FailoverProxy): string[] {
  return proxy.node.children.map((child) => child.node.id);
}

describe('FailoverProxy construct tree', () => {
  it('creates its children with short ids in a fixed order, the Deployment as the default child', () => {
    // GIVEN every optional part in the proxy's own chart: a literal Secret, the bundled runtime, HPA, monitoring
    const { proxy } = synthProxy({
      apiKey: SecretKeyRef.fromLiteral('llm-keys', 'api-key', 'sk-test'),
      monitoring: { scrape: MetricsScrape.serviceMonitor() },
    });
    // WHEN its children are listed
    const ids = childIds(proxy);
    // THEN ids and order are the documented ones and each field is the child of that id
    expect(ids).toEqual([
      'Secret-llm-keys', 'Config', 'Runtime', 'ServiceAccount', 'Resource', 'Service', 'Pods', 'Hpa', 'Pdb', 'Monitoring', 'Dashboard',
      'NetworkPolicy',
    ]);
    expect(proxy.node.defaultChild).toBe(proxy.deployment);
    expect(proxy.node.findChild('Secret-llm-keys')).toBe(proxy.secrets[0]);
    expect(proxy.node.findChild('Config')).toBe(proxy.configMap);
    expect(proxy.node.findChild('Runtime')).toBe(proxy.runtimeConfigMap);
    expect(proxy.node.findChild('ServiceAccount')).toBe(proxy.serviceAccount);
    expect(proxy.node.findChild('Service')).toBe(proxy.service);
    expect(proxy.node.findChild('Pods')).toBe(proxy.pods);
    expect(proxy.node.findChild('Hpa')).toBe(proxy.hpa);
    expect(proxy.node.findChild('Pdb')).toBe(proxy.podDisruptionBudget);
    expect(proxy.node.findChild('Monitoring')).toBe(proxy.monitoring);
    expect(proxy.node.findChild('Dashboard')).toBe(proxy.dashboard);
    expect(proxy.node.findChild('NetworkPolicy')).toBe(proxy.networkPolicy);
  });

  it('leaves out the optional children when their parts are off', () => {
    // GIVEN an image runtime, fixed replicas, no NetworkPolicy, no monitoring, no literal
    const { proxy } = synthProxy({
      runtime: ProxyRuntime.fromImage('registry.example/ai-failover-proxy:1.2.3'),
      autoscaling: Autoscaling.fixedReplicas(2),
      networkPolicy: false,
    });
    // WHEN its children are listed
    const ids = childIds(proxy);
    // THEN only the always-present children remain
    expect(ids).toEqual(['Config', 'ServiceAccount', 'Resource', 'Service', 'Pods', 'Pdb']);
    expect(proxy.runtimeConfigMap).toBeUndefined();
    expect(proxy.hpa).toBeUndefined();
    expect(proxy.networkPolicy).toBeUndefined();
  });

  it('puts the KEDA ScaledObject and monitors under a construct named like the proxy in another chart', () => {
    // GIVEN a proxy chart and a monitoring chart
    const app = Testing.app();
    const chart = new Chart(app, 'main', { namespace: 'production', disableResourceNameHashes: true });
    const monitoringChart = new Chart(app, 'mon', { namespace: 'production', disableResourceNameHashes: true });
    // WHEN the proxy scales with KEDA and emits alerts into the monitoring chart
    const proxy = new FailoverProxy(chart, 'Edge', {
      autoscaling: Autoscaling.kedaScaledObject(),
      monitoring: { alerts: true, dashboard: false },
      monitoringScope: monitoringChart,
    });
    // THEN the proxy has no HPA nor those children, the monitoring chart holds them under 'Edge'
    expect(childIds(proxy)).toEqual(['Config', 'Runtime', 'ServiceAccount', 'Resource', 'Service', 'Pods', 'Pdb', 'NetworkPolicy']);
    expect(monitoringChart.node.children.map((c) => c.node.id)).toEqual(['Edge']);
    expect(proxy.monitoring?.node.path).toBe('mon/Edge/Monitoring');
    expect(proxy.scaledObject?.node.path).toBe('mon/Edge/ScaledObject');
  });
});
