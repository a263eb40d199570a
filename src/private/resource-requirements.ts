/**
 * Internal: a container's CPU, memory and ephemeral storage sizes and the
 * Kubernetes `resources` block they render.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
import * as kplus from 'cdk8s-plus-28';

/** Requests and limits: CPU in millicores, memory and ephemeral storage in MiB. @internal */
export interface ResourceSizes {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequestMebibytes: number;
  readonly memoryLimitMebibytes: number;
  readonly ephemeralStorageRequestMebibytes: number;
  readonly ephemeralStorageLimitMebibytes: number;
}

/** The container's `resources`: memory and ephemeral storage rendered as Gi when whole (the playbook's `1Gi`). @internal */
export function resourceRequirements(sizes: ResourceSizes): kplus.k8s.ResourceRequirements {
  const q = kplus.k8s.Quantity.fromString;
  const mib = (value: number) => q(value % 1024 === 0 ? `${value / 1024}Gi` : `${value}Mi`);
  return {
    requests: { 'cpu': q(`${sizes.cpuRequestMillis}m`), 'memory': mib(sizes.memoryRequestMebibytes), 'ephemeral-storage': mib(sizes.ephemeralStorageRequestMebibytes) },
    limits: { 'cpu': q(`${sizes.cpuLimitMillis}m`), 'memory': mib(sizes.memoryLimitMebibytes), 'ephemeral-storage': mib(sizes.ephemeralStorageLimitMebibytes) },
  };
}
