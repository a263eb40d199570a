/**
 * Internal: the proxy's Deployment spec: no `replicas` unless the replica
 * count is fixed (an HPA or KEDA owns it otherwise), a rolling update that
 * never drops below the current count, and with
 * `ConfigRollout.ROLLING_RESTART` a config checksum on the pod template.
 */
import { createHash } from 'node:crypto';
import * as kplus from 'cdk8s-plus-28';
import { ConfigRollout } from '../failover-proxy-props';
import { ProxyPodInputs, proxyPodSpec } from './proxy-pod-spec';
import type { ProxySettings } from './proxy-settings';

/** Pod template annotation holding the SHA-256 of config.yaml (rolling-restart mode). */
const CHECKSUM_ANNOTATION = 'ai-failover.cdk8s.io/config-sha256';

/** The Deployment spec; `configYaml` feeds the checksum annotation. @internal */
export function proxyDeploymentSpec(settings: ProxySettings, configYaml: string, pod: ProxyPodInputs): kplus.k8s.DeploymentSpec {
  const annotations = settings.configRollout === ConfigRollout.ROLLING_RESTART
    ? { [CHECKSUM_ANNOTATION]: createHash('sha256').update(configYaml).digest('hex') }
    : undefined;
  return {
    replicas: settings.autoscaling._replicas(),
    revisionHistoryLimit: 5,
    selector: { matchLabels: { ...settings.selectorLabels } },
    strategy: {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(0), maxSurge: kplus.k8s.IntOrString.fromString('25%') },
    },
    template: {
      metadata: { labels: settings.labels, annotations },
      spec: proxyPodSpec(settings, pod),
    },
  };
}
