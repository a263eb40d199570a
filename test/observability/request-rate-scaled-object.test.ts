import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { unknownMetrics } from './promql-names';
import { ScalingPolicyType } from '../../src/autoscaling';
import { METRICS } from '../../src/contract';
import { RequestRateScaledObject } from '../../src/observability';

describe('RequestRateScaledObject', () => {
  it('scales the Deployment on request rate and CPU with the seed HPA\'s behavior (snapshot)', () => {
    // GIVEN the seed's deployment in production
    const chart = Testing.chart();
    // WHEN a ScaledObject is added with defaults
    new RequestRateScaledObject(chart, 'Scaler', { deploymentName: 'holysheep-ai-proxy', namespaceName: 'production' });
    const [so] = Testing.synth(chart);
    // THEN it targets the Deployment, 3..20 replicas, prometheus + cpu triggers and the seed behavior
    expect(so).toMatchSnapshot();
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.kind).toBe('ScaledObject');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'holysheep-ai-proxy' });
    expect(so.spec.minReplicaCount).toBe(3);
    expect(so.spec.maxReplicaCount).toBe(20);
    const [prom, cpu] = so.spec.triggers;
    expect(prom.type).toBe('prometheus');
    expect(prom.metricType).toBe('AverageValue');
    expect(prom.metadata.threshold).toBe('100');
    expect(prom.metadata.query).toBe(`sum(rate(${METRICS.httpRequestsTotal}{namespace="production"}[2m]))`);
    expect(unknownMetrics(prom.metadata.query)).toEqual([]);
    expect(cpu).toEqual({ type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: '70' } });
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
    });
  });

  it('drops a trigger whose target is 0 and takes custom behavior', () => {
    // GIVEN CPU disabled and a pods-based scale-down
    const chart = Testing.chart();
    // WHEN created
    new RequestRateScaledObject(chart, 'Scaler', {
      deploymentName: 'proxy',
      cpuUtilizationPercent: 0,
      requestsPerSecondPerPod: 50,
      minReplicas: 2,
      maxReplicas: 4,
      scaleDown: { stabilizationWindow: Duration.minutes(10), policyType: ScalingPolicyType.PODS, value: 1, period: Duration.minutes(2) },
    });
    const [so] = Testing.synth(chart);
    // THEN only the prometheus trigger remains and the behavior is the one given
    expect(so.spec.triggers.map((t: any) => t.type)).toEqual(['prometheus']);
    expect(so.spec.triggers[0].metadata.query).toBe('sum(rate(http_requests_total[2m]))');
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown)
      .toEqual({ stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] });
  });

  it('refuses bad replica counts, targets, addresses and behavior', () => {
    // GIVEN / WHEN bad props / THEN it throws naming them
    const chart = Testing.chart();
    const base = { deploymentName: 'proxy' };
    expect(() => new RequestRateScaledObject(chart, 'A', { ...base, minReplicas: 0 }))
      .toThrow("'minReplicas' must be an integer >= 1 (received 0)");
    expect(() => new RequestRateScaledObject(chart, 'B', { ...base, minReplicas: 5, maxReplicas: 4 }))
      .toThrow("'maxReplicas' (4) must be an integer >= 'minReplicas' (5)");
    expect(() => new RequestRateScaledObject(chart, 'C', { ...base, cpuUtilizationPercent: 0, requestsPerSecondPerPod: 0 }))
      .toThrow('must not both be 0');
    expect(() => new RequestRateScaledObject(chart, 'D', { ...base, requestsPerSecondPerPod: -1 }))
      .toThrow("'requestsPerSecondPerPod' must be a number >= 0 (received -1)");
    expect(() => new RequestRateScaledObject(chart, 'E', { deploymentName: 'Bad_Name' }))
      .toThrow("'deploymentName' must be a DNS-1123 subdomain (received 'Bad_Name')");
    expect(() => new RequestRateScaledObject(chart, 'F', { ...base, prometheusServerAddress: 'prometheus:9090' }))
      .toThrow("'prometheusServerAddress' must be an http(s) URL (received 'prometheus:9090')");
    expect(() => new RequestRateScaledObject(chart, 'G', {
      ...base, scaleUp: { stabilizationWindow: Duration.seconds(0), policyType: ScalingPolicyType.PERCENT, value: 0, period: Duration.seconds(15) },
    })).toThrow("'scaleUp.value' must be an integer >= 1 (received 0)");
    expect(() => new RequestRateScaledObject(chart, 'H', {
      ...base, scaleDown: { stabilizationWindow: Duration.hours(2), policyType: ScalingPolicyType.PERCENT, value: 10, period: Duration.seconds(60) },
    })).toThrow("'scaleDown.stabilizationWindow' must be whole seconds between 0s and 3600s (received 7200s)");
  });
});

describe('RequestRateScaledObject in a namespaced chart', () => {
  it('matches the chart\'s namespace when no namespace is given', () => {
    // GIVEN a chart with a namespace
    const chart = new Chart(Testing.app(), 'test', { namespace: 'production' });
    // WHEN a ScaledObject is added without namespaceName
    const scaler = new RequestRateScaledObject(chart, 'Scaler', { deploymentName: 'proxy' });
    // THEN the query matches that namespace
    expect(scaler.query).toBe('sum(rate(http_requests_total{namespace="production"}[2m]))');
  });
});
