/**
 * Internal: what a shared-state choice gives the proxy: env (REDIS_URL and
 * REDIS_PASSWORD from Secrets), the config.yaml `sharedState` section and the
 * NetworkPolicy egress rule to Redis.
 */
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { ENV } from '../../contract';
import type { SecretKeyRef } from '../../secret-key-ref/secret-key-ref';
import type { RedisSharedStateOptions } from '../shared-state-options';
import type { SharedStateRedis } from '../shared-state-redis';

/** The proxy a shared-state choice is bound to. @internal */
export interface SharedStateProxy {
  readonly name: string;
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
}

/** config.yaml `sharedState`. @internal */
export interface SharedStateConfigSection {
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly failMode: string;
  readonly shareBreakers: boolean;
}

/** What the proxy's renderers take from a shared-state choice. @internal */
export interface SharedStateParts {
  readonly env: kplus.k8s.EnvVar[];
  readonly config: SharedStateConfigSection;
  /** Egress from the proxy's pods to Redis. */
  readonly egress: kplus.k8s.NetworkPolicyEgressRule;
  /** Secret keys the construct creates when they are literals. */
  readonly secrets: SecretKeyRef[];
  /** The Redis deployed in the chart (`SharedState.deployRedis`). */
  readonly redis?: SharedStateRedis;
}

/** The default Redis port. @internal */
export const REDIS_PORT = 6379;

/** An env variable from a Secret key (the pod does not start while it is missing). @internal */
export function secretEnv(name: string, ref: SecretKeyRef): kplus.k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key, optional: false } } };
}

/** A TCP port of a NetworkPolicy rule. @internal */
export function tcpPort(port: number): kplus.k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) };
}

/** A Redis the platform runs: URL (and password) from Secrets, egress to its port anywhere (the host is in the Secret). @internal */
export function redisSharedStateParts(_scope: Construct, _proxy: SharedStateProxy, options: RedisSharedStateOptions): Omit<SharedStateParts, 'config'> {
  const env = [secretEnv(ENV.redisUrl, options.url)];
  if (options.password) env.push(secretEnv(ENV.redisPassword, options.password));
  return {
    env,
    egress: { ports: [tcpPort(options.port ?? REDIS_PORT)] },
    secrets: [options.url, ...(options.password ? [options.password] : [])],
  };
}
