/** Internal: the one rule for a pinned container image (the proxy's runtime, the shared-state Redis). */

/** A tag that carries a full version x.y.z (optionally `v`-prefixed and suffixed, e.g. `24.11.1-alpine3.22`). */
const FULL_VERSION_TAG = /^v?\d+\.\d+\.\d+([-+._][A-Za-z0-9._+-]*)?$/;
/** A content digest. */
const DIGEST = /@sha256:[0-9a-f]{64}$/;

/**
 * Refuses images that are not pinned: a digest, or a tag with a full version
 * (`x.y.z`); moving tags such as `latest`, `24`, `lts`, `stable` are refused.
 * Returns the image. @internal
 */
export function checkPinned(prop: string, image: string): string {
  const lastSegment = image.replace(DIGEST, '').split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.lastIndexOf(':') + 1) : undefined;
  if (!DIGEST.test(image) && (tag === undefined || !FULL_VERSION_TAG.test(tag))) {
    throw new Error(`'${prop}' must be pinned by a digest (@sha256:...) or a tag with a full version x.y.z such as 1.2.3, never untagged, :latest or a moving tag like :24 or :lts (received "${image}")`);
  }
  return image;
}
