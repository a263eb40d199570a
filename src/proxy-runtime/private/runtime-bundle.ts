/** Internal: reads and gzips the runtime bundle shipped in this package. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { RUNTIME_BUNDLE } from '../../contract';

/** The gzipped runtime bundle as shipped in a ConfigMap. @internal */
export interface GzippedBundle {
  readonly gzip: Buffer;
  readonly sha256: string;
}

/** Absolute path of the bundle in this package (works from src/ and lib/). @internal */
export function runtimeBundlePath(): string {
  return path.resolve(__dirname, '..', '..', '..', RUNTIME_BUNDLE.packagePath);
}

let cached: { mtimeKey: string; bundle: GzippedBundle } | undefined;

/** Reads and gzips (level 9) the runtime bundle; cached per file content. @internal */
export function loadGzippedBundle(file: string = runtimeBundlePath()): GzippedBundle {
  if (!existsSync(file)) {
    throw new Error(`runtime bundle not found at ${file}: run "npm run bundle:runtime" first (received a missing file)`);
  }
  const content = readFileSync(file);
  const key = createHash('sha256').update(content).digest('hex');
  if (cached?.mtimeKey === key) {
    return cached.bundle;
  }
  const gzip = gzipSync(content, { level: 9 });
  const bundle = { gzip, sha256: createHash('sha256').update(gzip).digest('hex') };
  cached = { mtimeKey: key, bundle };
  return bundle;
}
