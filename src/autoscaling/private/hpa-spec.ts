/** Internal: the autoscaling/v2 HorizontalPodAutoscaler spec of an {@link Autoscaling}. */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { scalingRules } from './scaling-behavior-check';
import { METRICS } from '../../contract';
import type { Autoscaling } from '../autoscaling';

/** HPA spec: CPU utilization and the Pods metric `http_requests_per_second`, with the behavior. @internal */
export function hpaSpec(autoscaling: Autoscaling, target: ApiObject): kplus.k8s.HorizontalPodAutoscalerSpecV2 {
  const metrics: kplus.k8s.MetricSpecV2[] = [];
  if (autoscaling.cpuUtilizationPercent > 0) {
    metrics.push({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent } },
    });
  }
  if (autoscaling.requestsPerSecondPerPod > 0) {
    metrics.push({
      type: 'Pods',
      pods: {
        metric: { name: METRICS.hpaRequestsPerSecond },
        target: { type: 'AverageValue', averageValue: kplus.k8s.Quantity.fromString(String(autoscaling.requestsPerSecondPerPod)) },
      },
    });
  }
  return {
    scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
    minReplicas: autoscaling.minReplicas,
    maxReplicas: autoscaling.maxReplicas,
    metrics,
    behavior: {
      ...(autoscaling.scaleUp ? { scaleUp: scalingRules(autoscaling.scaleUp) } : {}),
      ...(autoscaling.scaleDown ? { scaleDown: scalingRules(autoscaling.scaleDown) } : {}),
    },
  };
}
