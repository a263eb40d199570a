/** Default stock Node.js image that runs the bundled proxy (pinned to a patch version). */
export const DEFAULT_NODE_IMAGE = 'node:24.11.1-alpine3.22';

/** Options of {@link ProxyRuntime.bundled}. */
export interface BundledRuntimeOptions {
  /**
   * Official Node.js image (>= 20.19), pinned by version, that runs the bundle.
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
  /** Runs `lib/runtime/ai-failover-proxy.js` of this package on a stock Node.js image. */
  public static bundled(options: BundledRuntimeOptions = {}): ProxyRuntime {
    const image = options.nodeImage ?? DEFAULT_NODE_IMAGE;
    return new ProxyRuntime(ProxyRuntimeKind.BUNDLED, checkPinned('nodeImage', image));
  }

  /** Runs an image built from runtime/Dockerfile, e.g. `registry/ai-failover-proxy:1.2.3`. */
  public static fromImage(image: string): ProxyRuntime {
    return new ProxyRuntime(ProxyRuntimeKind.IMAGE, checkPinned('image', image));
  }

  private constructor(
    /** Which delivery this is. */
    public readonly kind: ProxyRuntimeKind,
    /** The container image of the proxy (and of the init container when bundled). */
    public readonly image: string,
  ) {}
}

/** Refuses images without a tag or digest and `:latest`. */
function checkPinned(prop: string, image: string): string {
  const lastSegment = image.split('/').pop() ?? '';
  const digest = image.includes('@sha256:');
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  if (!digest && (tag === undefined || tag === '' || tag === 'latest')) {
    throw new Error(`'${prop}' must be pinned by a version tag or digest, never untagged or :latest (received "${image}")`);
  }
  return image;
}
