/**
 * Internal: CPU, memory and ephemeral storage of the proxy container from the
 * props: defaults and checks (positive integers, request <= limit).
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
import { checkInt } from '../../private/prop-checks';
import type { ResourceSizes } from '../../private/resource-requirements';
import type { FailoverProxyProps } from '../failover-proxy-props';

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
