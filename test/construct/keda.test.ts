import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { find, Manifest, normalizeBundle, synthProxy } from './helpers';
import { validateAll } from './kubernetes-models';
import { Autoscaling, AutoscalingKind, FailoverProxy, MetricsScrape, RequestRateScaledObject, ScalingPolicyType } from '../../src';
import { METRICS } from '../../src/contract';

describe('Autoscaling.kedaScaledObject', () => {
  it('synthesizes a ScaledObject instead of the HPA (snapshot)', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ autoscaling: Autoscaling.kedaScaledObject() });
    // THEN the snapshot holds, and a ScaledObject named like the proxy replaces the HPA
    expect(normalizeBundle(manifests)).toMatchSnapshot();
    const kinds = manifests.map((m) => m.kind);
    expect(kinds).not.toContain('HorizontalPodAutoscaler');
    expect(find(manifests, 'ScaledObject').metadata.name).toBe('holysheep-ai-proxy');
  });

  it('scales the Deployment with the playbook\'s targets: no HPA, no replicas, PDB sized by KEDA min', () => {
    // GIVEN / WHEN the defaults
    const { proxy, manifests } = synthProxy({ autoscaling: Autoscaling.kedaScaledObject(), pdbMinAvailable: 2 });
    // THEN
    expect(proxy.autoscaling.kind).toBe(AutoscalingKind.KEDA);
    expect(proxy.hpa).toBeUndefined();
    expect(manifests.map((m) => m.kind)).not.toContain('HorizontalPodAutoscaler');
    expect(find(manifests, 'Deployment').spec.replicas).toBeUndefined();
    expect(find(manifests, 'PodDisruptionBudget').spec.minAvailable).toBe(2);
    expect(proxy.scaledObject).toBeInstanceOf(RequestRateScaledObject);
    const so = find(manifests, 'ScaledObject', 'holysheep-ai-proxy');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.metadata.namespace).toBe('production');
    expect(so.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'holysheep-ai-proxy' },
      minReplicaCount: 3,
      maxReplicaCount: 20,
      pollingInterval: 30,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
            scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
          },
        },
      },
    });
    const [requests, cpu] = so.spec.triggers;
    expect(requests).toMatchObject({ type: 'prometheus', metricType: 'AverageValue' });
    expect(requests.metadata).toEqual({
      serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
      query: `sum(rate(${METRICS.httpRequestsTotal}{job="holysheep-ai-service",namespace="production"}[2m]))`,
      threshold: '100',
    });
    expect(cpu).toMatchObject({ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } });
  });

  it('validates every object, the ScaledObject against the KEDA CRD schema', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ autoscaling: Autoscaling.kedaScaledObject(), monitoring: { scrape: MetricsScrape.serviceMonitor() } });
    // THEN
    expect(validateAll(manifests)).toContain('ScaledObject');
  });

  it('passes every option through to the ScaledObject', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({
      autoscaling: Autoscaling.kedaScaledObject({
        minReplicas: 2,
        maxReplicas: 8,
        cpuUtilizationPercent: 0,
        requestsPerSecondPerPod: 40,
        prometheusServerAddress: 'http://prometheus.obs.svc:9090',
        pollingInterval: Duration.seconds(15),
        rateWindow: Duration.minutes(5),
        scaleDown: {
          stabilizationWindow: Duration.seconds(600),
          policies: [{ type: ScalingPolicyType.PODS, value: 1, period: Duration.seconds(120) }],
        },
      }),
    });
    // THEN
    const so = find(manifests, 'ScaledObject');
    expect(so.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 8, pollingInterval: 15 });
    expect(so.spec.triggers).toHaveLength(1);
    expect(so.spec.triggers[0].metadata).toMatchObject({ serverAddress: 'http://prometheus.obs.svc:9090', threshold: '40' });
    expect(so.spec.triggers[0].metadata.query).toContain('[5m]');
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown)
      .toEqual({ stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] });
  });

  it('puts the ScaledObject into monitoringScope with the proxy namespace', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new Chart(app, 'main', { namespace: 'llm', disableResourceNameHashes: true });
    const crds = new Chart(app, 'crds', { disableResourceNameHashes: true });
    // WHEN
    new FailoverProxy(chart, 'Proxy', { autoscaling: Autoscaling.kedaScaledObject(), monitoringScope: crds });
    // THEN
    expect((Testing.synth(chart) as Manifest[]).map((m) => m.kind)).not.toContain('ScaledObject');
    const so = find(Testing.synth(crds) as Manifest[], 'ScaledObject');
    expect(so.metadata.namespace).toBe('llm');
    expect(so.spec.triggers[0].metadata.query).toContain('namespace="llm"');
  });

  it('fails on bad limits, targets and durations, naming prop and value', () => {
    // GIVEN / WHEN / THEN
    expect(() => Autoscaling.kedaScaledObject({ minReplicas: 5, maxReplicas: 4 }))
      .toThrow("'maxReplicas' (4) must be an integer >= 'minReplicas' (5)");
    expect(() => Autoscaling.kedaScaledObject({ minReplicas: 0 })).toThrow("'minReplicas' must be an integer >= 1 (received 0)");
    expect(() => Autoscaling.kedaScaledObject({ cpuUtilizationPercent: 0, requestsPerSecondPerPod: 0 }))
      .toThrow("'cpuUtilizationPercent' and 'requestsPerSecondPerPod' must not both be 0 (received 0 and 0)");
    expect(() => Autoscaling.kedaScaledObject({ requestsPerSecondPerPod: -1 })).toThrow("'requestsPerSecondPerPod' must be >= 0 (received -1)");
    expect(() => Autoscaling.kedaScaledObject({ prometheusServerAddress: 'prometheus:9090' }))
      .toThrow("'prometheusServerAddress' must be an http(s) URL (received 'prometheus:9090')");
    expect(() => Autoscaling.kedaScaledObject({ pollingInterval: Duration.millis(500) }))
      .toThrow("'pollingInterval' must be whole seconds >= 1s (received 0.5s)");
    const zeroPods = { policies: [{ type: ScalingPolicyType.PODS, value: 0, period: Duration.seconds(15) }] };
    expect(() => Autoscaling.kedaScaledObject({ scaleUp: zeroPods }))
      .toThrow("'scaleUp.value' must be an integer >= 1 (received 0)");
  });

  it('fails on a PDB minAvailable that reaches the KEDA minimum', () => {
    // GIVEN / WHEN / THEN
    expect(() => synthProxy({ autoscaling: Autoscaling.kedaScaledObject({ minReplicas: 2 }), pdbMinAvailable: 2 }))
      .toThrow("'pdbMinAvailable' (2) must be lower than the minimum replica count (2)");
  });
});
