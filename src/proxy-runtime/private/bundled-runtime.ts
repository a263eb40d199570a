/**
 * Internal: how `ProxyRuntime.bundled()` reaches the pod. The gzipped bundle
 * sits in an immutable ConfigMap named after its hash (a new bundle is a new
 * ConfigMap, so a rollout never mixes versions); an init container on the
 * same stock Node image gunzips it into an emptyDir that the proxy container
 * mounts read-only.
 */
import * as kplus from 'cdk8s-plus-28';
import { loadGzippedBundle } from './runtime-bundle';
import { RUNTIME_BUNDLE } from '../../contract';
import { containerSecurityContext } from '../../private/pod-security';
import { resourceRequirements, ResourceSizes } from '../../private/resource-requirements';

/** Where the ConfigMap with the gzipped bundle is mounted in the init container. */
const BUNDLE_MOUNT_DIR = '/bundle';
/** The ConfigMap key of the gzipped bundle. */
const GZ_KEY = `${RUNTIME_BUNDLE.fileName}.gz`;
/** ConfigMaps hold at most 1 MiB; leave room for metadata. */
const MAX_BUNDLE_BYTES = 1024 * 1024 - 16 * 1024;
/** The init container's whole program: gunzip the bundle into the emptyDir. */
const GUNZIP_SCRIPT = `const f=require('fs'),z=require('zlib');f.writeFileSync('${RUNTIME_BUNDLE.appDir}/${RUNTIME_BUNDLE.fileName}',z.gunzipSync(f.readFileSync('${BUNDLE_MOUNT_DIR}/${GZ_KEY}')))`;
/** The init container runs once and briefly: small requests. */
const UNPACK_RESOURCES: ResourceSizes = {
  cpuRequestMillis: 50,
  cpuLimitMillis: 500,
  memoryRequestMebibytes: 64,
  memoryLimitMebibytes: 256,
  ephemeralStorageRequestMebibytes: 16,
  ephemeralStorageLimitMebibytes: 64,
};

/**
 * Props of the immutable ConfigMap `<proxyName>-runtime-<hash>` holding the
 * gzipped bundle; throws when the bundle would not fit a ConfigMap. @internal
 */
export function runtimeConfigMapProps(proxyName: string, labels: Record<string, string>): kplus.k8s.KubeConfigMapProps {
  const bundle = loadGzippedBundle();
  if (bundle.gzip.length > MAX_BUNDLE_BYTES) {
    throw new Error(`the gzipped runtime bundle must fit a ConfigMap (at most ${MAX_BUNDLE_BYTES} bytes); use ProxyRuntime.fromImage() instead (received ${bundle.gzip.length} bytes)`);
  }
  return {
    metadata: { name: `${proxyName}-runtime-${bundle.sha256.slice(0, 10)}`, labels },
    immutable: true,
    binaryData: { [GZ_KEY]: bundle.gzip.toString('base64') },
  };
}

/** What the pod needs to run the bundle from ConfigMap `configMapName`. @internal */
export interface BundledRuntimePod {
  /** The ConfigMap volume and the emptyDir the bundle is unpacked into. */
  readonly volumes: kplus.k8s.Volume[];
  /** The proxy container's read-only mount of the unpacked bundle. */
  readonly mount: kplus.k8s.VolumeMount;
  /** The init container that unpacks it. */
  readonly initContainer: kplus.k8s.Container;
}

/** Volumes, mount and init container (on `image`) that unpack the bundle of ConfigMap `configMapName`. @internal */
export function bundledRuntimePod(configMapName: string, image: string): BundledRuntimePod {
  return {
    volumes: [
      { name: 'runtime-bundle', configMap: { name: configMapName } },
      { name: 'runtime', emptyDir: { sizeLimit: kplus.k8s.Quantity.fromString('32Mi') } },
    ],
    mount: { name: 'runtime', mountPath: RUNTIME_BUNDLE.appDir, readOnly: true },
    initContainer: {
      name: 'unpack-runtime',
      image,
      imagePullPolicy: 'IfNotPresent',
      command: ['node', '-e', GUNZIP_SCRIPT],
      securityContext: containerSecurityContext(),
      resources: resourceRequirements(UNPACK_RESOURCES),
      volumeMounts: [
        { name: 'runtime-bundle', mountPath: BUNDLE_MOUNT_DIR, readOnly: true },
        { name: 'runtime', mountPath: RUNTIME_BUNDLE.appDir },
      ],
    },
  };
}
