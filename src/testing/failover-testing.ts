import { createHash } from 'node:crypto';
import { Chart, Testing } from 'cdk8s';
import { RUNTIME_BUNDLE } from '../contract';

/** The ConfigMap key that holds the gzipped runtime bundle. */
const BUNDLE_KEY = `${RUNTIME_BUNDLE.fileName}.gz`;
/** What replaces the bundle's content hash in the ConfigMap's name. */
const STABLE_NAME_SUFFIX = 'runtime-bundle';

/** Options of {@link FailoverTesting.synth}. */
export interface FailoverTestingSynthOptions {
  /**
   * Keep the bundle's digest in the snapshot: the replacement line carries
   * the sha256 and size of the gzipped bundle, and the ConfigMap keeps its
   * content-hash name. Then every change of the runtime (each library
   * upgrade) changes the snapshot, as the deployed pods would.
   *
   * @default false - a line and a name that stay the same across library upgrades
   */
  readonly keepRuntimeDigest?: boolean;
}

/**
 * Snapshot-test helpers for charts that contain a `FailoverProxy` (or a
 * `MultiRegionFailover` region chart).
 *
 * With `ProxyRuntime.bundled()` (the default) each proxy ships its runtime as
 * ~470 KB of gzipped, base64 bytes in an immutable ConfigMap named after their
 * hash, so a plain `Testing.synth(chart)` snapshot changes with every library
 * upgrade. `FailoverTesting.synth(chart)` returns the same manifests with
 * those bytes replaced by one readable line and the content-hash name
 * (everywhere it is referenced) by a stable one; everything else is untouched.
 *
 * @example
 * expect(FailoverTesting.synth(chart)).toMatchSnapshot();
 */
export class FailoverTesting {
  /**
   * Synthesizes `chart` like cdk8s's `Testing.synth(chart)`, with the runtime
   * bundle replaced by a stable line (see {@link FailoverTestingSynthOptions}).
   * A chart without a bundled runtime (image mode) is returned unchanged.
   */
  public static synth(chart: Chart, options: FailoverTestingSynthOptions = {}): any[] {
    return FailoverTesting.replaceRuntimeBundle(Testing.synth(chart), options);
  }

  /**
   * The same replacement on manifests synthesized elsewhere (e.g. the
   * documents of a `dist/*.k8s.yaml` file parsed by a YAML library). The
   * input is not modified.
   */
  public static replaceRuntimeBundle(manifests: any[], options: FailoverTestingSynthOptions = {}): any[] {
    const renames = new Map<string, string>();
    const copy = JSON.parse(JSON.stringify(manifests)) as any[];
    for (const manifest of copy) {
      const bundle: unknown = manifest?.kind === 'ConfigMap' ? manifest.binaryData?.[BUNDLE_KEY] : undefined;
      if (typeof bundle !== 'string') continue;
      const gzip = Buffer.from(bundle, 'base64');
      const sha256 = createHash('sha256').update(gzip).digest('hex');
      manifest.binaryData[BUNDLE_KEY] = options.keepRuntimeDigest
        ? `<${BUNDLE_KEY}: gzipped runtime bundle, sha256 ${sha256}, ${gzip.length} bytes>`
        : `<${BUNDLE_KEY}: gzipped runtime bundle, replaced by FailoverTesting.synth>`;
      const name: unknown = manifest.metadata?.name;
      const hashed = typeof name === 'string' ? /^(.*-)runtime-[0-9a-f]{10}$/.exec(name) : null;
      if (!options.keepRuntimeDigest && hashed) renames.set(name as string, `${hashed[1]}${STABLE_NAME_SUFFIX}`);
    }
    return renames.size === 0 ? copy : copy.map((m) => renameStrings(m, renames));
  }

  private constructor() {
  }
}

/** `value` with every string equal to a key of `renames` replaced by its new name. */
function renameStrings(value: unknown, renames: ReadonlyMap<string, string>): any {
  if (typeof value === 'string') return renames.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => renameStrings(v, renames));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameStrings(v, renames)]));
  }
  return value;
}
