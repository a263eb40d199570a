/**
 * Internal: the proxy's pod: the `ai-proxy` container (ports, probes,
 * resources, hardened security context, read-only root with writable /tmp),
 * the config and CA volumes, the bundled runtime's init container, the
 * ServiceAccount without token and the zone spread.
 */
import * as kplus from 'cdk8s-plus-28';
import { caBundleVolume } from './ca-bundle';
import type { ProxySettings } from './proxy-settings';
import { zoneSpread } from './zone-spread-rules';
import { CONFIG_FILE, PATHS, PORT_NAMES, PORTS, RUNTIME_BUNDLE } from '../../contract';
import { containerSecurityContext, podSecurityContext } from '../../private/pod-security';
import { resourceRequirements } from '../../private/resource-requirements';
import type { RuntimePodParts } from '../../proxy-runtime/proxy-runtime';

/** The playbook's probe timings. */
const LIVENESS = { initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 };
const READINESS = { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 };

/** What the pod refers to besides the settings. @internal */
export interface ProxyPodInputs {
  /** The pod's ServiceAccount. */
  readonly serviceAccountName: string;
  /** The proxy container's env. */
  readonly env: kplus.k8s.EnvVar[];
  /** What the runtime adds to the pod (the bundled runtime's volumes, mount and init container). */
  readonly runtime: RuntimePodParts;
}

/** The pod spec of the proxy's Deployment. @internal */
export function proxyPodSpec(settings: ProxySettings, inputs: ProxyPodInputs): kplus.k8s.PodSpec {
  const image = settings.runtime.image;
  const volumes: kplus.k8s.Volume[] = [
    { name: 'config', configMap: { name: settings.configMapName } },
    { name: 'tmp', emptyDir: { sizeLimit: kplus.k8s.Quantity.fromString('64Mi') } },
  ];
  const mounts: kplus.k8s.VolumeMount[] = [
    { name: 'config', mountPath: CONFIG_FILE.mountDir, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (settings.caBundle) {
    const ca = caBundleVolume(settings.caBundle);
    volumes.push(ca.volume);
    mounts.push(ca.mount);
  }
  volumes.push(...inputs.runtime.volumes);
  mounts.push(...inputs.runtime.mounts);
  const initContainers = inputs.runtime.initContainers;
  const spread = zoneSpread(settings.selectorLabels, settings.zoneMaxSkew, settings.zoneWhenUnsatisfiable);
  return {
    serviceAccountName: inputs.serviceAccountName,
    imagePullSecrets: settings.imagePullSecrets.length > 0 ? settings.imagePullSecrets.map((name) => ({ name })) : undefined,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds,
    securityContext: podSecurityContext(),
    initContainers: initContainers.length > 0 ? initContainers : undefined,
    containers: [proxyContainer(settings, image, inputs.env, mounts)],
    volumes,
    affinity: spread.affinity,
    topologySpreadConstraints: spread.topologySpreadConstraints,
  };
}

/** The `ai-proxy` container: API and metrics ports, the playbook's probes, resources and security. */
function proxyContainer(settings: ProxySettings, image: string, env: kplus.k8s.EnvVar[], mounts: kplus.k8s.VolumeMount[]): kplus.k8s.Container {
  const httpPort = kplus.k8s.IntOrString.fromNumber(PORTS.http);
  return {
    name: 'ai-proxy',
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['node', `${RUNTIME_BUNDLE.appDir}/${RUNTIME_BUNDLE.fileName}`],
    workingDir: RUNTIME_BUNDLE.appDir,
    ports: [
      { name: PORT_NAMES.http, containerPort: PORTS.http, protocol: 'TCP' },
      { name: PORT_NAMES.metrics, containerPort: PORTS.metrics, protocol: 'TCP' },
    ],
    env,
    resources: resourceRequirements(settings.resources),
    livenessProbe: { httpGet: { path: PATHS.healthLive, port: httpPort }, ...LIVENESS },
    readinessProbe: { httpGet: { path: PATHS.healthReady, port: httpPort }, ...READINESS },
    securityContext: containerSecurityContext(),
    volumeMounts: mounts,
  };
}
