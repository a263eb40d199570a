/**
 * Internal: the proxy container's env. Keys come from Secrets (never values
 * in the manifest); ports and the config path from the shared contract; with
 * `legacyEnvVars` also the playbook's env names, which rank above config.yaml.
 */
import * as kplus from 'cdk8s-plus-28';
import type { ApiKeyEnv } from './api-key-envs';
import { legacyEnv } from './legacy-env-vars';
import type { ProxySettings } from './proxy-settings';
import { CONFIG_FILE, ENV, PORTS } from '../../contract';
import { SecretKeyRef } from '../../secret-key-ref/secret-key-ref';

/**
 * Upstream keys (the default key first), client keys, ports and config path,
 * then the playbook's env names when `legacyEnvVars` is set. @internal
 */
export function proxyEnv(settings: ProxySettings, apiKeyEnvs: readonly ApiKeyEnv[]): kplus.k8s.EnvVar[] {
  const env = apiKeyEnvs.map((e) => secretEnv(e.envName, e.ref));
  if (settings.clientKeys) {
    env.push(secretEnv(ENV.proxyApiKeys, settings.clientKeys));
  }
  env.push(
    { name: ENV.port, value: String(PORTS.http) },
    { name: ENV.metricsPort, value: String(PORTS.metrics) },
    { name: ENV.configPath, value: CONFIG_FILE.defaultPath },
  );
  if (settings.legacyEnvVars) {
    env.push(...legacyEnv(settings.upstreams, settings));
  }
  return env;
}

/** An env variable read from a Secret key (the pod does not start while it is missing). */
function secretEnv(name: string, ref: SecretKeyRef): kplus.k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key, optional: false } } };
}
