/** Image media types the Anthropic Messages API accepts. */
export const ANTHROPIC_IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** A parsed base64 `data:` URL. */
export interface DataUrl {
  readonly mediaType: string;
  readonly data: string;
}

/** `data:<media type>[;params];base64,<data>` → its parts; undefined for anything else (not data, not base64). */
export function parseDataUrl(url: string): DataUrl | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const params = url.slice(5, comma).split(';');
  if (params[params.length - 1]?.toLowerCase() !== 'base64') return undefined;
  const mediaType = (params[0] ?? '').trim().toLowerCase();
  return mediaType.length > 0 ? { mediaType, data: url.slice(comma + 1) } : undefined;
}

/** A base64 `data:` URL of a media type and data. */
export function dataUrlOf(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** True for an http(s) URL (what an Anthropic `url` source takes). */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
