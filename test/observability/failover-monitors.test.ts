import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PATHS, PORT_NAMES } from '../../src/contract';
import { FailoverPodMonitor, FailoverServiceMonitor } from '../../src/observability';

const selectorLabels = { app: 'holysheep-ai-proxy' };

describe('FailoverServiceMonitor', () => {
  it('scrapes the metrics port of the selected Service (snapshot)', () => {
    // GIVEN the proxy's Service labels in a namespace
    const chart = Testing.chart();
    // WHEN a ServiceMonitor is added
    new FailoverServiceMonitor(chart, 'Monitor', {
      selectorLabels, namespaceName: 'production', name: 'holysheep-ai-proxy', labels: { release: 'kube-prometheus-stack' },
    });
    const manifests = Testing.synth(chart);
    // THEN it selects those labels and scrapes /metrics on the `metrics` port
    expect(manifests).toMatchSnapshot();
    const [sm] = manifests;
    expect(sm.kind).toBe('ServiceMonitor');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec.selector.matchLabels).toEqual(selectorLabels);
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['production'] });
    expect(sm.spec.endpoints).toEqual([{ port: PORT_NAMES.metrics, path: PATHS.metrics, interval: '30s', scrapeTimeout: '10s' }]);
  });

  it('refuses empty selectors and a timeout longer than the interval', () => {
    // GIVEN / WHEN bad props / THEN it throws naming them
    const chart = Testing.chart();
    expect(() => new FailoverServiceMonitor(chart, 'A', { selectorLabels: {} }))
      .toThrow("'selectorLabels' must have at least one label (received {})");
    expect(() => new FailoverServiceMonitor(chart, 'B', { selectorLabels, scrapeInterval: Duration.seconds(5), scrapeTimeout: Duration.seconds(10) }))
      .toThrow("'scrapeTimeout' (10s) must not exceed 'scrapeInterval' (5s)");
    expect(() => new FailoverServiceMonitor(chart, 'C', { selectorLabels, metricsPortName: ' ' }))
      .toThrow("'metricsPortName' must not be empty (received ' ')");
  });
});

describe('FailoverPodMonitor', () => {
  it('scrapes the pods\' metrics container port', () => {
    // GIVEN pod labels and a 15s interval
    const chart = Testing.chart();
    // WHEN a PodMonitor is added
    new FailoverPodMonitor(chart, 'Monitor', { selectorLabels, scrapeInterval: Duration.seconds(15) });
    const [pm] = Testing.synth(chart);
    // THEN it selects the pods and scrapes /metrics every 15s, in the chart's namespace
    expect(pm.kind).toBe('PodMonitor');
    expect(pm.spec.selector.matchLabels).toEqual(selectorLabels);
    expect(pm.spec.namespaceSelector).toBeUndefined();
    expect(pm.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s' }]);
  });
});
