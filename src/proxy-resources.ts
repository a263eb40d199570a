/**
 * Internal: CPU, memory and ephemeral storage of the proxy's containers:
 * defaults, checks (positive integers, request <= limit) and the Kubernetes
 * `resources` block.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
import * as kplus from 'cdk8s-plus-28';
import type { FailoverProxyProps } from './failover-proxy-props';
import { checkInt } from './prop-checks';

/** Requests and limits: CPU in millicores, memory and ephemeral storage in MiB. @internal */
export interface ResourceSizes {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequestMebibytes: number;
  readonly memoryLimitMebibytes: number;
  readonly ephemeralStorageRequestMebibytes: number;
  readonly ephemeralStorageLimitMebibytes: number;
}

/** Each request prop with the limit prop it must not exceed. */
const REQUEST_LIMIT_PAIRS = [
  ['cpuRequestMillis', 'cpuLimitMillis'],
  ['memoryRequestMebibytes', 'memoryLimitMebibytes'],
  ['ephemeralStorageRequestMebibytes', 'ephemeralStorageLimitMebibytes'],
] as const;

/**
 * The proxy container's sizes from the props, defaults applied; throws naming
 * the prop and the value unless each is an integer >= 1 and no request
 * exceeds its limit. @internal
 */
export function resolveResourceSizes(props: FailoverProxyProps): ResourceSizes {
  const sizes: ResourceSizes = {
    cpuRequestMillis: props.cpuRequestMillis ?? 250,
    cpuLimitMillis: props.cpuLimitMillis ?? 1000,
    memoryRequestMebibytes: props.memoryRequestMebibytes ?? 512,
    memoryLimitMebibytes: props.memoryLimitMebibytes ?? 1024,
    ephemeralStorageRequestMebibytes: props.ephemeralStorageRequestMebibytes ?? 64,
    ephemeralStorageLimitMebibytes: props.ephemeralStorageLimitMebibytes ?? 256,
  };
  for (const [key, value] of Object.entries(sizes)) {
    checkInt(key, value, 1);
  }
  for (const [request, limit] of REQUEST_LIMIT_PAIRS) {
    if (sizes[request] > sizes[limit]) {
      throw new Error(`'${request}' (${sizes[request]}) must not exceed '${limit}' (${sizes[limit]})`);
    }
  }
  return sizes;
}

/** The container's `resources`: memory and ephemeral storage rendered as Gi when whole (the seed's `1Gi`). @internal */
export function resourceRequirements(sizes: ResourceSizes): kplus.k8s.ResourceRequirements {
  const q = kplus.k8s.Quantity.fromString;
  const mib = (value: number) => q(value % 1024 === 0 ? `${value / 1024}Gi` : `${value}Mi`);
  return {
    requests: { 'cpu': q(`${sizes.cpuRequestMillis}m`), 'memory': mib(sizes.memoryRequestMebibytes), 'ephemeral-storage': mib(sizes.ephemeralStorageRequestMebibytes) },
    limits: { 'cpu': q(`${sizes.cpuLimitMillis}m`), 'memory': mib(sizes.memoryLimitMebibytes), 'ephemeral-storage': mib(sizes.ephemeralStorageLimitMebibytes) },
  };
}
