/**
 * Reading synthesized Kubernetes manifests back, the way the API server and
 * the kubelet would see them: multi-document YAML → objects, lookups by kind
 * and name, Service → pod port resolution and image checks.
 *
 * Only the fields the e2e harness needs are typed; everything else stays
 * available as plain JSON.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** Any Kubernetes object as parsed from YAML. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** `ports[]` of a container. */
export interface ContainerPort {
  readonly containerPort: number;
  readonly name?: string;
  readonly protocol?: string;
}

/** `env[]` of a container. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly fieldRef?: { readonly fieldPath: string };
    readonly resourceFieldRef?: { readonly resource: string; readonly divisor?: string };
  };
}

/** `envFrom[]` of a container. */
export interface EnvFromSource {
  readonly prefix?: string;
  readonly configMapRef?: { readonly name: string; readonly optional?: boolean };
  readonly secretRef?: { readonly name: string; readonly optional?: boolean };
}

/** `volumeMounts[]` of a container. */
export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
  readonly readOnly?: boolean;
}

/** An HTTP GET or TCP probe. */
export interface Probe {
  readonly httpGet?: {
    readonly path?: string;
    readonly port: number | string;
    readonly scheme?: string;
    readonly httpHeaders?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  };
  readonly tcpSocket?: { readonly port: number | string };
  readonly exec?: { readonly command: readonly string[] };
  readonly timeoutSeconds?: number;
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly failureThreshold?: number;
}

/** Container-level security context fields the harness honours. */
export interface SecurityContext {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly fsGroup?: number;
  readonly readOnlyRootFilesystem?: boolean;
}

/** A container of a pod template. */
export interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly workingDir?: string;
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly ports?: readonly ContainerPort[];
  readonly volumeMounts?: readonly VolumeMount[];
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly securityContext?: SecurityContext;
  readonly resources?: {
    readonly limits?: Record<string, string | number>;
    readonly requests?: Record<string, string | number>;
  };
}

/** `items[]` of a configMap/secret volume. */
export interface KeyToPath {
  readonly key: string;
  readonly path: string;
  readonly mode?: number;
}

/** A pod volume (the kinds the harness can materialize). */
export interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string; readonly items?: readonly KeyToPath[]; readonly defaultMode?: number; readonly optional?: boolean };
  readonly secret?: {
    readonly secretName: string;
    readonly items?: readonly KeyToPath[];
    readonly defaultMode?: number;
    readonly optional?: boolean;
  };
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
  readonly [other: string]: unknown;
}

/** `spec.template.spec` of a Deployment. */
export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
  readonly securityContext?: SecurityContext;
  readonly terminationGracePeriodSeconds?: number;
  readonly serviceAccountName?: string;
}

/** A Deployment, typed as far as the harness reads it. */
export interface Deployment extends K8sObject {
  readonly spec: {
    readonly template: { readonly metadata?: { readonly labels?: Record<string, string> }; readonly spec: PodSpec };
  };
}

/** A Service port. */
export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
}

/** A Service, typed as far as the harness reads it. */
export interface Service extends K8sObject {
  readonly spec: { readonly selector?: Record<string, string>; readonly ports: readonly ServicePort[] };
}

/** A ConfigMap. */
export interface ConfigMap extends K8sObject {
  readonly data?: Record<string, string>;
  readonly binaryData?: Record<string, string>;
  readonly immutable?: boolean;
}

/** Parses multi-document YAML (as `cdk8s synth` writes it) into objects; empty documents are dropped. */
export function parseManifests(yamlText: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(yamlText)) {
    if (doc.errors.length > 0) {
      throw new Error(`invalid manifest YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const value = doc.toJSON() as unknown;
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value !== 'object' || typeof (value as K8sObject).kind !== 'string') {
      throw new Error(`manifest document is not a Kubernetes object (received ${JSON.stringify(value).slice(0, 80)})`);
    }
    objects.push(value as K8sObject);
  }
  return objects;
}

/** Reads and parses one `*.k8s.yaml` file. */
export function readManifestFile(path: string): K8sObject[] {
  return parseManifests(readFileSync(path, 'utf8'));
}

/** A deep, mutable copy of manifests, for tests that change them in memory. */
export function cloneManifests(manifests: readonly K8sObject[]): K8sObject[] {
  return JSON.parse(JSON.stringify(manifests)) as K8sObject[];
}

/** All objects of one kind. */
export function objectsOfKind<T extends K8sObject = K8sObject>(manifests: readonly K8sObject[], kind: string): T[] {
  return manifests.filter((o) => o.kind === kind) as T[];
}

/** The one object of `kind` named `name` (in `namespace` when given); throws naming what exists otherwise. */
export function findObject<T extends K8sObject = K8sObject>(manifests: readonly K8sObject[], kind: string, name: string, namespace?: string): T {
  const candidates = objectsOfKind<T>(manifests, kind);
  const found = candidates.filter((o) => o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? 'default') === namespace));
  if (found.length !== 1) {
    const names = candidates.map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`).join(', ') || 'none';
    throw new Error(`expected exactly one ${kind} "${name}"${namespace ? ` in namespace "${namespace}"` : ''}, found ${found.length} (${kind} objects: ${names})`);
  }
  return found[0];
}

/** Like {@link findObject} but returns undefined when absent. */
export function maybeFindObject<T extends K8sObject = K8sObject>(
  manifests: readonly K8sObject[],
  kind: string,
  name: string,
  namespace?: string,
): T | undefined {
  return objectsOfKind<T>(manifests, kind).find((o) => o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? 'default') === namespace));
}

/**
 * The Service whose selector selects the Deployment's pods (same namespace,
 * every selector label present on the pod template). Throws if none or several do.
 */
export function serviceSelecting(manifests: readonly K8sObject[], deployment: Deployment): Service {
  const namespace = deployment.metadata.namespace ?? 'default';
  const labels = deployment.spec.template.metadata?.labels ?? {};
  const matching = objectsOfKind<Service>(manifests, 'Service').filter((svc) => {
    const selector = svc.spec.selector;
    if ((svc.metadata.namespace ?? 'default') !== namespace || !selector || Object.keys(selector).length === 0) {
      return false;
    }
    return Object.entries(selector).every(([key, value]) => labels[key] === value);
  });
  if (matching.length !== 1) {
    throw new Error(`expected exactly one Service selecting the pods of Deployment "${deployment.metadata.name}" (labels ${JSON.stringify(labels)}), found ${matching.length}`);
  }
  return matching[0];
}

/**
 * Resolves a port reference (a number, or a named port) against a container's
 * `ports[]`, as the kubelet does for probes and kube-proxy for Service targetPorts.
 */
export function resolveContainerPort(container: Container, port: number | string): number {
  if (typeof port === 'number') {
    return port;
  }
  if (/^\d+$/.test(port)) {
    return Number(port);
  }
  const named = (container.ports ?? []).find((p) => p.name === port);
  if (!named) {
    throw new Error(`container "${container.name}" has no port named "${port}" (ports: ${JSON.stringify(container.ports ?? [])})`);
  }
  return named.containerPort;
}

/** The container port a Service port named `portName` sends traffic to. */
export function serviceTargetPort(service: Service, portName: string, container: Container): number {
  const servicePort = service.spec.ports.find((p) => p.name === portName);
  if (!servicePort) {
    throw new Error(`Service "${service.metadata.name}" has no port named "${portName}" (ports: ${service.spec.ports.map((p) => p.name ?? p.port).join(', ')})`);
  }
  return resolveContainerPort(container, servicePort.targetPort ?? servicePort.port);
}

/** `node:<major>.<minor>.<patch>[-variant][@sha256:...]`: the official Node image, pinned to a patch release. */
const PINNED_NODE_IMAGE = /^(?:docker\.io\/)?(?:library\/)?node:(\d+)\.(\d+)\.(\d+)(?:-[a-z0-9.]+)?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * Asserts `image` is the official Node.js image pinned to a patch version
 * (never `latest`, never a floating major) and returns its major version.
 */
export function assertPinnedNodeImage(image: string): number {
  const match = PINNED_NODE_IMAGE.exec(image);
  if (!match) {
    throw new Error(`image must be the official node image pinned to a patch version, e.g. node:24.11.1-alpine3.22 (received "${image}")`);
  }
  return Number(match[1]);
}

/** Asserts `image` has an explicit tag or digest that is not `latest`. */
export function assertPinnedImage(image: string): void {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes('@') ? 'digest' : lastSegment.split(':')[1];
  if (!tag || tag === 'latest') {
    throw new Error(`image must carry a pinned tag or digest, not latest or none (received "${image}")`);
  }
}
