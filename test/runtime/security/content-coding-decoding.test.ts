import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { canDecode, contentCodings, decodedBody } from '../../../runtime/proxy/response/body-decoding';

async function collect(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('content coding decoding', () => {
  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('decodes %s', async (coding, encode) => {
    // GIVEN a body compressed with the coding, split in small chunks
    const encoded = encode(Buffer.from('hello compressed world'));
    const source = Readable.from([encoded.subarray(0, 5), encoded.subarray(5)]);
    // WHEN it is decoded
    // THEN the original text comes out
    expect(await collect(decodedBody(source, contentCodings(coding)))).toBe('hello compressed world');
  });

  it('undoes stacked codings in reverse order', async () => {
    // GIVEN gzip applied, then br
    const encoded = brotliCompressSync(gzipSync(Buffer.from('twice')));
    // WHEN decoded as "gzip, br"
    // THEN br is undone first
    expect(await collect(decodedBody(Readable.from([encoded]), contentCodings('gzip, br')))).toBe('twice');
  });

  it('returns the body itself for identity or no coding', () => {
    const source = Readable.from([Buffer.from('x')]);
    expect(decodedBody(source, contentCodings('identity'))).toBe(source);
    expect(decodedBody(source, contentCodings(undefined))).toBe(source);
  });

  it('ends the decoded stream with an error for corrupt data', async () => {
    // GIVEN bytes that are not gzip
    const source = Readable.from([Buffer.from('not gzip at all')]);
    // WHEN decoded
    // THEN reading fails
    await expect(collect(decodedBody(source, ['gzip']))).rejects.toThrow();
  });

  it('tells which codings it can decode', () => {
    expect(canDecode(contentCodings('GZIP, br'))).toBe(true);
    expect(canDecode(contentCodings('zstd'))).toBe(false);
    expect(contentCodings(['gzip', 'identity'])).toEqual(['gzip']);
  });
});
