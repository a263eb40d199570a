/**
 * Internal: the deployed Redis's pod, Service and NetworkPolicy specs. One
 * replica, no persistence (`--save ''`, `--appendonly no`: the state is soft),
 * `maxmemory` below the container limit with volatile-LRU eviction (rate-limit
 * keys and leases carry TTLs; usage totals do not), password from a Secret,
 * non-root with a read-only root and an emptyDir at /data.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/config/
 */
import * as kplus from 'cdk8s-plus-28';
import { REDIS_PORT, secretEnv, tcpPort } from './shared-state-parts';
import { ENV } from '../../contract';
import { containerSecurityContext, podSecurityContext } from '../../private/pod-security';
import { resourceRequirements } from '../../private/resource-requirements';
import type { SecretKeyRef } from '../../secret-key-ref/secret-key-ref';

/** Non-root uid/gid of the Redis container (not the proxy's, so a file of one is not the other's). @internal */
export const REDIS_USER = { uid: 10002, gid: 10002 } as const;

/** Container port name. @internal */
export const REDIS_PORT_NAME = 'redis';

/** The redis-server command line, as the container runs it (`$(REDIS_PASSWORD)` expanded by the kubelet). @internal */
export function redisArgs(maxMemoryMebibytes: number): string[] {
  return [
    '--port', String(REDIS_PORT),
    '--save', '',
    '--appendonly', 'no',
    '--maxmemory', `${maxMemoryMebibytes}mb`,
    '--maxmemory-policy', 'volatile-lru',
    '--requirepass', `$(${ENV.redisPassword})`,
  ];
}

/** Sizes of the Redis container. @internal */
export interface RedisSizes {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryMebibytes: number;
}

/** The Redis Deployment's spec. @internal */
export function redisDeploymentSpec(options: {
  image: string;
  password: SecretKeyRef;
  labels: Record<string, string>;
  selectorLabels: Record<string, string>;
  serviceAccountName: string;
  sizes: RedisSizes;
}): kplus.k8s.DeploymentSpec {
  const { sizes } = options;
  const maxMemory = Math.max(1, Math.floor(sizes.memoryMebibytes * 0.75));
  return {
    replicas: 1,
    // one soft-state instance: replace it, never run two side by side
    strategy: { type: 'Recreate' },
    selector: { matchLabels: { ...options.selectorLabels } },
    template: {
      metadata: { labels: { ...options.labels } },
      spec: {
        serviceAccountName: options.serviceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: podSecurityContext(REDIS_USER),
        containers: [{
          name: 'redis',
          image: options.image,
          command: ['redis-server'],
          args: redisArgs(maxMemory),
          // the password for --requirepass, and for redis-cli in the readiness probe
          env: [secretEnv(ENV.redisPassword, options.password), secretEnv('REDISCLI_AUTH', options.password)],
          ports: [{ name: REDIS_PORT_NAME, containerPort: REDIS_PORT, protocol: 'TCP' }],
          readinessProbe: {
            exec: { command: ['sh', '-c', `redis-cli -p ${REDIS_PORT} ping | grep -q PONG`] },
            periodSeconds: 5,
            timeoutSeconds: 2,
            failureThreshold: 3,
          },
          livenessProbe: {
            tcpSocket: { port: kplus.k8s.IntOrString.fromString(REDIS_PORT_NAME) },
            initialDelaySeconds: 5,
            periodSeconds: 10,
            timeoutSeconds: 2,
            failureThreshold: 3,
          },
          resources: resourceRequirements({
            cpuRequestMillis: sizes.cpuRequestMillis,
            cpuLimitMillis: sizes.cpuLimitMillis,
            memoryRequestMebibytes: sizes.memoryMebibytes,
            memoryLimitMebibytes: sizes.memoryMebibytes,
            ephemeralStorageRequestMebibytes: 16,
            ephemeralStorageLimitMebibytes: 64,
          }),
          securityContext: containerSecurityContext(REDIS_USER),
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }],
        volumes: [{ name: 'data', emptyDir: { sizeLimit: kplus.k8s.Quantity.fromString('64Mi') } }],
      },
    },
  };
}

/** ClusterIP Service on the Redis port. @internal */
export function redisServiceSpec(selectorLabels: Record<string, string>): kplus.k8s.ServiceSpec {
  return {
    type: 'ClusterIP',
    selector: { ...selectorLabels },
    ports: [{ name: REDIS_PORT_NAME, port: REDIS_PORT, targetPort: kplus.k8s.IntOrString.fromString(REDIS_PORT_NAME), protocol: 'TCP' }],
  };
}

/** Ingress only from the proxy's pods on the Redis port; no egress at all. @internal */
export function redisNetworkPolicySpec(
  selectorLabels: Record<string, string>,
  proxySelectorLabels: Record<string, string>,
): kplus.k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: { ...selectorLabels } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { ...proxySelectorLabels } } }], ports: [tcpPort(REDIS_PORT)] }],
    egress: [],
  };
}
