/**
 * Every object the production example synthesizes (region charts with their
 * Namespace and its JsonPatch, dashboard ConfigMaps, the monitoring charts'
 * adapter-rule ConfigMaps) validates against the Kubernetes OpenAPI schemas;
 * the CRD-backed kinds are exactly the expected ones.
 */
import { App, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Manifest } from './helpers';
import { validateAll } from './kubernetes-models';
import { productionExample } from '../../example/production';

/** Kinds generated from CRDs (typed by `cdk8s import`, no Kubernetes built-in schema). */
const CRD_KINDS = new Set(['monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule']);

/** Every object of every chart of `app`, synthesized in memory. */
function synthApp(app: App): Manifest[] {
  return app.charts.flatMap((chart) => Testing.synth(chart) as Manifest[]);
}

describe('production example against the Kubernetes schemas', () => {
  it('validates every built-in object of the region and monitoring charts', () => {
    // GIVEN the example's two apps
    const app = Testing.app();
    const monitoringApp = Testing.app();
    productionExample(app, monitoringApp);
    const manifests = [...synthApp(app), ...synthApp(monitoringApp)];
    const builtIn = manifests.filter((m) => !CRD_KINDS.has(`${m.apiVersion}/${m.kind}`));
    // WHEN
    const kinds = validateAll(builtIn);
    // THEN every kind was checked: 3 Namespaces, and per region config, runtime, dashboard and adapter-rule ConfigMaps
    expect(kinds.filter((k) => k === 'Namespace')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'ConfigMap')).toHaveLength(12);
    expect(new Set(manifests.filter((m) => CRD_KINDS.has(`${m.apiVersion}/${m.kind}`)).map((m) => m.kind)))
      .toEqual(new Set(['ServiceMonitor', 'PrometheusRule']));
  });
});
