/**
 * Internal: CPU, memory and ephemeral storage of the proxy container from the
 * props: defaults and checks (positive integers, request <= limit).
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
import { MAX_BODY_BYTES_DEFAULT, MAX_BUFFERED_REQUEST_BYTES_DEFAULT, MAX_BUFFERED_RESPONSE_BYTES_DEFAULT } from '../../contract';
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

const MIB = 1024 * 1024;

/**
 * config.yaml `limits.maxBufferedResponseBytes`: `maxBufferedResponseMebibytes`
 * when set (an integer >= 1, at most half the memory limit), else a quarter of
 * the memory limit, never above the runtime's default (256 MiB, a quarter of
 * the default 1 GiB) nor below the runtime's minimum (1 MiB). @internal
 */
export function resolveBufferedResponseBytes(props: FailoverProxyProps, sizes: ResourceSizes): number {
  const limit = sizes.memoryLimitMebibytes;
  const mebibytes = props.maxBufferedResponseMebibytes;
  if (mebibytes === undefined) {
    return Math.min(MAX_BUFFERED_RESPONSE_BYTES_DEFAULT, Math.max(1, Math.floor(limit / 4)) * MIB);
  }
  checkInt('maxBufferedResponseMebibytes', mebibytes, 1);
  if (mebibytes > limit / 2) {
    throw new Error(`'maxBufferedResponseMebibytes' (${mebibytes}) must not exceed half of 'memoryLimitMebibytes' (${limit}): the buffered answers, their parsed copies and the proxy itself share the container's memory`);
  }
  return mebibytes * MIB;
}

/**
 * config.yaml `limits.maxBufferedRequestBytes` (request bodies held at once
 * across the pod): a quarter of the memory limit, never above the runtime's
 * default (256 MiB) nor below one largest request body (16 MiB). @internal
 */
export function resolveBufferedRequestBytes(sizes: ResourceSizes): number {
  // the budget holds one body of the largest accepted size at least
  return Math.min(MAX_BUFFERED_REQUEST_BYTES_DEFAULT, Math.max(MAX_BODY_BYTES_DEFAULT, Math.floor(sizes.memoryLimitMebibytes / 4) * MIB));
}
