/**
 * Every object the production example synthesizes (region charts with their
 * Namespace and its JsonPatch, dashboard ConfigMaps, the monitoring charts'
 * adapter-rule ConfigMaps, ServiceMonitors and PrometheusRules) validates
 * against the Kubernetes OpenAPI schemas or, for CRD-backed kinds, the CRDs'.
 */
import { App, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Manifest } from './helpers';
import { validateAll } from './kubernetes-models';
import { productionExample } from '../../example/production';

/** Every object of every chart of `app`, synthesized in memory. */
function synthApp(app: App): Manifest[] {
  return app.charts.flatMap((chart) => Testing.synth(chart) as Manifest[]);
}

describe('production example against the Kubernetes schemas', () => {
  it('validates every object of the region and monitoring charts', () => {
    // GIVEN the example's two apps
    const app = Testing.app();
    const monitoringApp = Testing.app();
    productionExample(app, monitoringApp);
    const manifests = [...synthApp(app), ...synthApp(monitoringApp)];
    // WHEN
    const kinds = validateAll(manifests);
    // THEN every kind was checked: 3 Namespaces, per region config, runtime, dashboard and
    // adapter-rule ConfigMaps, and the CRD-backed monitoring objects
    expect(kinds.filter((k) => k === 'Namespace')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'ConfigMap')).toHaveLength(12);
    expect(kinds.filter((k) => k === 'ServiceMonitor')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'PrometheusRule')).toHaveLength(3);
  });

  it('refuses a CRD-backed object that breaks its CRD schema', () => {
    // GIVEN the example's ServiceMonitor with an endpoint port of the wrong type
    const app = Testing.app();
    const monitoringApp = Testing.app();
    productionExample(app, monitoringApp);
    const monitor = synthApp(monitoringApp).find((m) => m.kind === 'ServiceMonitor')!;
    const broken = { ...monitor, spec: { ...monitor.spec, endpoints: [{ port: 9090 }] } };
    // WHEN / THEN
    expect(() => validateAll([broken])).toThrow(/ServiceMonitor .*port/);
  });
});
