/**
 * Validation of synthesized objects against the Kubernetes OpenAPI schemas
 * (kubernetes-models 4) and, for the CRD-backed kinds, against the
 * Prometheus Operator and KEDA CRD schemas (@kubernetes-models/prometheus-operator
 * and @kubernetes-models/keda, same family), shared by the schema tests.
 */
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PodMonitor, PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Manifest } from './helpers';

/** kubernetes-models class per apiVersion/kind. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** Validates every object against the Kubernetes OpenAPI schema (throws on the first bad one); returns the kinds seen. */
export function validateAll(manifests: Manifest[]): string[] {
  return manifests.map((m) => {
    const Model = MODELS[`${m.apiVersion}/${m.kind}`];
    if (!Model) {
      throw new Error(`no schema for ${m.apiVersion}/${m.kind}`);
    }
    try {
      new Model(m).validate();
    } catch (error) {
      throw new Error(`${m.kind} ${m.metadata?.name}: ${(error as Error).message}`);
    }
    return m.kind;
  });
}
