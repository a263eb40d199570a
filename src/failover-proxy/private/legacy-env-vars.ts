/**
 * Internal: the `legacyEnvVars` mode of FailoverProxy. The playbook's env interface
 * (HOLYSHEEP_PRIMARY_REGION, HOLYSHEEP_BACKUP_REGIONS, ...) replaces the
 * config.yaml upstreams in the runtime with env upstreams named `primary`,
 * `backup_1`, ... that serve every model, weigh 1, are strictly ordered and all
 * read the key from `HOLYSHEEP_API_KEY`. Props the mode would silently drop are
 * refused here instead (`models`, `modelRewrites`, `weight`, `maxConnections`, a format other
 * than OpenAI's, a second key, a priority tie).
 */
import * as kplus from 'cdk8s-plus-28';
import { ENV, UPSTREAM_MAX_CONNECTIONS } from '../../contract';
import { SecretKeyRef } from '../../secret-key-ref/secret-key-ref';
import { Upstream } from '../../upstream/upstream';
import { UpstreamFormat } from '../../upstream/upstream-format';

/** Settings the playbook's env names carry besides the upstreams. @internal */
export interface LegacyEnvSettings {
  readonly failureThreshold: number;
  readonly recoveryTimeoutSeconds: number;
  readonly maxRetries: number;
  readonly rateLimitPerMinute: number;
}

/**
 * The one Secret key every upstream shares in legacyEnvVars mode (it is emitted
 * as `HOLYSHEEP_API_KEY`, the variable the runtime's env upstreams read).
 * Throws naming the prop and the value for anything the env upstreams cannot
 * express: a second key, `models`, `modelRewrites`, a non-default `weight` or
 * `maxConnections`, a format other than OpenAI's, a priority tie. @internal
 */
export function legacyEnvSharedKey(upstreams: readonly Upstream[], apiKey: SecretKeyRef): SecretKeyRef {
  const describe = (ref: SecretKeyRef): string => `${ref.secretName}/${ref.key}`;
  const first = upstreams[0];
  const shared = first.apiKey ?? apiKey;
  const priorities = new Map<number, string>();
  upstreams.forEach((upstream, index) => {
    const ref = upstream.apiKey ?? apiKey;
    if (!ref._sameKeyAs(shared)) {
      throw new Error(`'legacyEnvVars' needs every upstream to share one API key (${ENV.apiKey}): upstream '${upstream.name}' 'apiKey' is ${describe(ref)}, upstream '${first.name}' uses ${describe(shared)} (received ${describe(ref)})`);
    }
    if (upstream.models.length > 0) {
      throw new Error(`'legacyEnvVars' cannot carry upstream '${upstream.name}' 'models' (the env upstreams serve every model): drop 'models' or 'legacyEnvVars' (received ${JSON.stringify(upstream.models)})`);
    }
    if (Object.keys(upstream.modelRewrites).length > 0) {
      throw new Error(`'legacyEnvVars' cannot carry upstream '${upstream.name}' 'modelRewrites' (the env upstreams rewrite nothing): drop 'modelRewrites' or 'legacyEnvVars' (received ${JSON.stringify(upstream.modelRewrites)})`);
    }
    if (upstream.weight !== 1) {
      throw new Error(`'legacyEnvVars' cannot carry upstream '${upstream.name}' 'weight' (the env upstreams weigh 1): drop 'weight' or 'legacyEnvVars' (received ${upstream.weight})`);
    }
    if (upstream.maxConnections !== UPSTREAM_MAX_CONNECTIONS.default) {
      throw new Error(`'legacyEnvVars' cannot carry upstream '${upstream.name}' 'maxConnections' (the env upstreams keep the runtime's ${UPSTREAM_MAX_CONNECTIONS.default}): drop 'maxConnections' or 'legacyEnvVars' (received ${upstream.maxConnections})`);
    }
    if (upstream.format !== UpstreamFormat.OPENAI) {
      throw new Error(`'legacyEnvVars' cannot carry upstream '${upstream.name}' 'format' (the env upstreams speak the OpenAI API): drop the upstream or 'legacyEnvVars' (received ${upstream.format})`);
    }
    const priority = upstream.priority ?? index;
    const other = priorities.get(priority);
    if (other !== undefined) {
      throw new Error(`'legacyEnvVars' orders upstreams strictly (no round robin): upstreams '${other}' and '${upstream.name}' share 'priority' ${priority} (received ${priority} twice)`);
    }
    priorities.set(priority, upstream.name);
  });
  return shared;
}

/** The playbook's env variables (upstream base URLs in priority order, breaker, retries, rate limit). @internal */
export function legacyEnv(upstreams: readonly Upstream[], settings: LegacyEnvSettings): kplus.k8s.EnvVar[] {
  const ordered = upstreams
    .map((upstream, index) => ({ upstream, priority: upstream.priority ?? index }))
    .sort((a, b) => a.priority - b.priority)
    .map((entry) => entry.upstream.baseUrl);
  return [
    { name: ENV.primaryRegion, value: ordered[0] },
    { name: ENV.backupRegions, value: ordered.slice(1).join(',') },
    { name: ENV.failureThreshold, value: String(settings.failureThreshold) },
    { name: ENV.recoveryTimeout, value: String(settings.recoveryTimeoutSeconds) },
    { name: ENV.maxRetries, value: String(settings.maxRetries) },
    { name: ENV.rateLimitPerMinute, value: String(settings.rateLimitPerMinute) },
  ];
}
