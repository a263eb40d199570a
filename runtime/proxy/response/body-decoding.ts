import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createUnzip } from 'node:zlib';

/** Content codings the proxy decodes (`deflate` as RFC 9110 defines it: zlib-wrapped). */
const DECODERS: Readonly<Record<string, () => Transform>> = {
  'gzip': createUnzip,
  'x-gzip': createUnzip,
  'deflate': createUnzip,
  'br': createBrotliDecompress,
};

/** The codings of a `Content-Encoding` value, in the order they were applied (`identity` dropped). */
export function contentCodings(value: string | string[] | undefined): string[] {
  // nearly every answer has none (the proxy asks for identity)
  if (value === undefined || value === '' || value === 'identity') return [];
  const text = Array.isArray(value) ? value.join(',') : value ?? '';
  return text.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
}

/** True when every coding of the value can be decoded here. */
export function canDecode(codings: readonly string[]): boolean {
  return codings.every((coding) => Object.hasOwn(DECODERS, coding));
}

/**
 * The upstream body with its content codings undone, for an upstream that
 * compresses although the proxy asked for `accept-encoding: identity`. The
 * proxy reads what it relays (JSON for usage, SSE events), so the client gets
 * the decoded body without a `Content-Encoding`. Errors of the source (an
 * abort, a reset) and of the decoder (corrupt data) end the returned stream
 * with that error. Returns `body` itself when there is nothing to decode.
 */
export function decodedBody(body: Readable, codings: readonly string[]): Readable {
  let out: Readable = body;
  for (const coding of [...codings].reverse()) {
    // pipeline destroys both streams on an error; the decoder then ends its readers with it
    out = pipeline(out, DECODERS[coding]!(), () => undefined) as unknown as Readable;
  }
  return out;
}
