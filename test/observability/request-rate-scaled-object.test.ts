import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { unknownMetrics } from './promql-names';
import { Autoscaling, AutoscalingKind, ScalingPolicyType } from '../../src/autoscaling';
import { METRICS } from '../../src/contract';
import { RequestRateScaledObject } from '../../src/observability';

describe('RequestRateScaledObject', () => {
  it('scales the Deployment on request rate and CPU with the playbook HPA\'s behavior (snapshot)', () => {
    // GIVEN the playbook's deployment in production
    const chart = Testing.chart();
    // WHEN a ScaledObject is added with defaults
    new RequestRateScaledObject(chart, 'Scaler', { deploymentName: 'holysheep-ai-proxy', namespaceName: 'production' });
    const [so] = Testing.synth(chart);
    // THEN it targets the Deployment, 3..20 replicas, prometheus + cpu triggers and the playbook's behavior
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
      autoscaling: Autoscaling.kedaScaledObject({
        cpuUtilizationPercent: 0,
        requestsPerSecondPerPod: 50,
        minReplicas: 2,
        maxReplicas: 4,
        scaleDown: { stabilizationWindow: Duration.minutes(10), policies: [{ type: ScalingPolicyType.PODS, value: 1, period: Duration.minutes(2) }] },
      }),
    });
    const [so] = Testing.synth(chart);
    // THEN only the prometheus trigger remains and the behavior is the one given
    expect(so.spec.triggers.map((t: any) => t.type)).toEqual(['prometheus']);
    expect(so.spec.triggers[0].metadata.query).toBe('sum(rate(http_requests_total[2m]))');
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown)
      .toEqual({ stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] });
  });

  it('takes its limits and behavior from the KEDA choice and refuses other choices', () => {
    // GIVEN a chart
    const chart = Testing.chart();
    // WHEN given a KEDA choice with two scale-up policies / THEN they are rendered in order
    const scaler = new RequestRateScaledObject(chart, 'A', {
      deploymentName: 'proxy',
      autoscaling: Autoscaling.kedaScaledObject({
        minReplicas: 2,
        scaleUp: {
          policies: [
            { type: ScalingPolicyType.PODS, value: 4, period: Duration.seconds(15) },
            { type: ScalingPolicyType.PERCENT, value: 100, period: Duration.seconds(15) },
          ],
        },
      }),
    });
    expect(scaler.minReplicas).toBe(2);
    const [so] = Testing.synth(chart);
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    // WHEN given another choice or a bad Deployment name / THEN it throws naming the prop
    expect(() => new RequestRateScaledObject(chart, 'B', { deploymentName: 'proxy', autoscaling: Autoscaling.fixedReplicas(2) }))
      .toThrow(`'autoscaling' must be Autoscaling.kedaScaledObject(...) (received the ${AutoscalingKind.FIXED} choice)`);
    expect(() => new RequestRateScaledObject(chart, 'C', { deploymentName: 'Bad_Name' }))
      .toThrow('\'deploymentName\' must be a DNS subdomain: at most 253 characters of a-z, 0-9, "-" or ".", starting and ending with a letter or digit (received "Bad_Name")');
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
