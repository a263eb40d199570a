import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { synthProxy } from './helpers';
import { validateAll } from './kubernetes-models';
import { Autoscaling, ConfigRollout, MetricsScrape, ProxyRuntime, SecretKeyRef, Upstream } from '../../src';

describe('Kubernetes OpenAPI schemas', () => {
  it('validates every object of the default deployment', () => {
    // GIVEN
    const { manifests } = synthProxy();
    // WHEN
    const kinds = validateAll(manifests);
    // THEN
    expect(new Set(kinds)).toEqual(new Set(['ConfigMap', 'ServiceAccount', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']));
  });

  it('validates every object of a customized deployment', () => {
    // GIVEN
    const { manifests } = synthProxy({
      upstreams: [Upstream.openAi({ apiKey: SecretKeyRef.fromLiteral('openai', 'key', 'sk-x') }), Upstream.deepSeek()],
      caBundle: SecretKeyRef.fromSecret('corp-ca', 'ca.crt'),
      runtime: ProxyRuntime.fromImage('registry.example/ai-failover-proxy:1.2.3'),
      autoscaling: Autoscaling.fixedReplicas(2),
      configRollout: ConfigRollout.ROLLING_RESTART,
      pdbMinAvailable: 1,
      drainTimeout: Duration.seconds(10),
    });
    // WHEN
    const kinds = validateAll(manifests);
    // THEN
    expect(kinds).toContain('Secret');
  });

  it('validates the built-in objects of a deployment with every monitoring opt-in', () => {
    // GIVEN monitoring on; CRD-backed kinds have no Kubernetes schema here
    const { manifests } = synthProxy({
      monitoring: { scrape: MetricsScrape.serviceMonitor(), alerts: true, dashboard: true, prometheusAdapterRule: true },
    });
    const crdKinds = ['ServiceMonitor', 'PrometheusRule'];
    // WHEN
    const kinds = validateAll(manifests.filter((m) => !crdKinds.includes(m.kind)));
    // THEN the dashboard and adapter-rule ConfigMaps pass too
    expect(kinds.filter((k) => k === 'ConfigMap')).toHaveLength(4);
    expect(manifests.map((m) => m.kind).filter((k) => crdKinds.includes(k)).sort()).toEqual(crdKinds.sort());
  });

  it('rejects an object the schema refuses (the check can fail)', () => {
    // GIVEN
    const { manifests } = synthProxy();
    const broken = JSON.parse(JSON.stringify(manifests.find((m) => m.kind === 'Deployment')));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    // WHEN / THEN
    expect(() => validateAll([broken])).toThrow();
  });
});
