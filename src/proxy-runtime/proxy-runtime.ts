import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MIN_NODE_VERSION_TEXT } from '../contract';
import { bundledRuntimePod, runtimeConfigMapProps } from './private/bundled-runtime';
import { checkPinned } from '../private/pinned-image';
import { checkNodeVersion } from './private/node-version';

/** What a runtime adds to the proxy's pod besides the container image. @internal */
export interface RuntimePodParts {
  /** The immutable ConfigMap with the gzipped bundle (bundled runtime only). */
  readonly configMap?: kplus.k8s.KubeConfigMap;
  readonly volumes: kplus.k8s.Volume[];
  /** The proxy container's mounts. */
  readonly mounts: kplus.k8s.VolumeMount[];
  readonly initContainers: kplus.k8s.Container[];
}

/** Default stock Node.js image that runs the bundled proxy (pinned to a patch version). */
const DEFAULT_NODE_IMAGE = 'node:24.11.1-alpine3.22';

/** Options of {@link ProxyRuntime.bundled}. */
export interface BundledRuntimeOptions {
  /**
   * Official Node.js image that runs the bundle, pinned by a digest or a tag with a full
   * version `x.y.z` (not `node:24`, `:lts` or `:latest`). A tag that names a Node version
   * (`node:18.20.4-alpine`, also `node:18-alpine`) below the runtime's minimum (20.19.0) is
   * refused at synth; a digest-only image (`node@sha256:...`) names no version and is
   * accepted as given: it must hold Node >= 20.19.0.
   * @default 'node:24.11.1-alpine3.22'
   */
  readonly nodeImage?: string;
}

/** How the proxy process gets into the pod. */
export enum ProxyRuntimeKind {
  /** Stock Node image; the bundle is delivered gzipped in an immutable ConfigMap. */
  BUNDLED = 'bundled',
  /** A prebuilt image (runtime/Dockerfile) that contains the bundle. */
  IMAGE = 'image',
}

/**
 * Where the proxy's code comes from: the bundle shipped with this package,
 * run on a stock Node.js image (default, no registry needed), or an image.
 */
export class ProxyRuntime {
  /** The stock Node.js image `ProxyRuntime.bundled()` runs on when `nodeImage` is not set. */
  public static readonly DEFAULT_NODE_IMAGE: string = DEFAULT_NODE_IMAGE;

  /** Oldest Node.js version (`x.y.z`) the bundled runtime runs on; older `nodeImage` tags are refused. */
  public static readonly MIN_NODE_VERSION: string = MIN_NODE_VERSION_TEXT;

  /** Runs `lib/runtime/ai-failover-proxy.js` of this package on a stock Node.js image. */
  public static bundled(options: BundledRuntimeOptions = {}): ProxyRuntime {
    const image = options.nodeImage ?? DEFAULT_NODE_IMAGE;
    checkNodeVersion('nodeImage', image);
    return new ProxyRuntime(ProxyRuntimeKind.BUNDLED, checkPinned('nodeImage', image));
  }

  /**
   * Runs an image built from runtime/Dockerfile, e.g. `registry/ai-failover-proxy:1.2.3`:
   * pinned by a digest or a tag with a full version `x.y.z`.
   */
  public static fromImage(image: string): ProxyRuntime {
    return new ProxyRuntime(ProxyRuntimeKind.IMAGE, checkPinned('image', image));
  }

  private constructor(
    /** Which delivery this is (for inspection; the runtime renders itself). */
    public readonly kind: ProxyRuntimeKind,
    /** The container image of the proxy (and of the init container when bundled). */
    public readonly image: string,
  ) {}

  /**
   * @internal adds what this runtime needs next to the proxy (the bundle's
   * ConfigMap `<proxyName>-runtime-<hash>` as child `id`, bundled only) and
   * returns the pod's volumes, mounts and init containers
   */
  public _bind(scope: Construct, id: string, proxyName: string, labels: Record<string, string>): RuntimePodParts {
    if (this.kind !== ProxyRuntimeKind.BUNDLED) {
      return { volumes: [], mounts: [], initContainers: [] };
    }
    const configMap = new kplus.k8s.KubeConfigMap(scope, id, runtimeConfigMapProps(proxyName, labels));
    const pod = bundledRuntimePod(configMap.name, this.image);
    return { configMap, volumes: pod.volumes, mounts: [pod.mount], initContainers: [pod.initContainer] };
  }
}

