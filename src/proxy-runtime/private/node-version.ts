/**
 * Internal: the Node.js version a `nodeImage` tag names, checked against the
 * runtime's minimum so that an image that would crash-loop fails at synth.
 */
import { MIN_NODE_VERSION, MIN_NODE_VERSION_TEXT } from '../../contract';

/** Leading `[v]major[.minor[.patch]]` of a tag (`18-alpine`, `20.18.1-bookworm-slim`, `v22.1.0`). */
const VERSION_PREFIX = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?=$|[-+._])/;

/**
 * The version the image's tag names, or undefined when it names none (a
 * digest-only reference, or a tag such as `lts`). Missing minor/patch parts
 * read as 0, so `node:20` counts as 20.0.0 (below 20.19). @internal
 */
export function nodeVersionOfImage(image: string): { major: number; minor: number; patch: number } | undefined {
  const withoutDigest = image.replace(/@sha256:[0-9a-f]{64}$/, '');
  const lastSegment = withoutDigest.split('/').pop() ?? '';
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) {
    return undefined;
  }
  const match = VERSION_PREFIX.exec(lastSegment.slice(colon + 1));
  if (!match) {
    return undefined;
  }
  return { major: Number(match[1]), minor: Number(match[2] ?? 0), patch: Number(match[3] ?? 0) };
}

/** Throws naming `prop` and the image when its tag names a Node version below the runtime's minimum. @internal */
export function checkNodeVersion(prop: string, image: string): void {
  const version = nodeVersionOfImage(image);
  if (version === undefined) {
    return;
  }
  const min = MIN_NODE_VERSION;
  const below = version.major !== min.major ? version.major < min.major
    : version.minor !== min.minor ? version.minor < min.minor
      : version.patch < min.patch;
  if (below) {
    throw new Error(`'${prop}' must run Node.js >= ${MIN_NODE_VERSION_TEXT}, the bundled runtime's minimum (received "${image}", Node.js ${version.major}.${version.minor}.${version.patch})`);
  }
}
