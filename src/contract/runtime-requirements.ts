/**
 * What the proxy process needs from the pod it runs in, shared by the
 * construct (which refuses at synth what would not start) and the runtime.
 *
 * Internal to the package: not re-exported from src/index.ts.
 */

/** Oldest Node.js release the bundled runtime runs on (package.json `engines`, esbuild target). */
export const MIN_NODE_VERSION = { major: 20, minor: 19, patch: 0 } as const;

/** {@link MIN_NODE_VERSION} as `x.y.z`. */
export const MIN_NODE_VERSION_TEXT = `${MIN_NODE_VERSION.major}.${MIN_NODE_VERSION.minor}.${MIN_NODE_VERSION.patch}`;
