import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBufferedBody } from '../../../runtime/proxy/attempts/buffered-body';
import { BufferBudget } from '../../../runtime/proxy/response/buffer-budget';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

async function rest(stream: PassThrough): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += (chunk as Buffer).toString('utf8');
  return text;
}

describe('reading an upstream answer into memory', () => {
  it('returns the whole body and holds its bytes in the pod\'s budget', async () => {
    // GIVEN a body in three chunks and a budget with room
    const body = new PassThrough();
    const budget = new BufferBudget(1024);
    const lease = budget.lease();
    const read = readBufferedBody(body, 1024, lease);
    // WHEN the chunks arrive and the body ends
    body.write(bytes('{"a":'));
    body.write(bytes('1,"b":'));
    body.end(bytes('2}'));
    // THEN
    const done = await read;
    expect(done).toEqual({ complete: true, body: bytes('{"a":1,"b":2}') });
    expect(budget.used).toBe(13);
  });

  it('stops past the size limit and leaves the rest unread for the pass-through', async () => {
    // GIVEN a 4-byte limit
    const body = new PassThrough();
    const read = readBufferedBody(body, 4, new BufferBudget(1024).lease());
    // WHEN 6 bytes arrive, then more
    body.write(bytes('abcdef'));
    const stopped = await read;
    body.write(bytes('ghi'));
    body.end(bytes('jkl'));
    // THEN what was read is returned with the reason, and iterating the stream gives exactly the rest
    expect(stopped).toEqual({ complete: false, body: bytes('abcdef'), reason: 'response_too_large' });
    expect(await rest(body)).toBe('ghijkl');
  });

  it('stops when the pod\'s budget has no room (buffer_budget)', async () => {
    const body = new PassThrough();
    const read = readBufferedBody(body, 1024, new BufferBudget(3).lease());
    body.write(bytes('abcd'));
    expect(await read).toEqual({ complete: false, body: bytes('abcd'), reason: 'buffer_budget' });
    body.destroy();
  });

  it('rejects with the stream\'s own error (an abort, a reset)', async () => {
    const body = new PassThrough();
    const read = readBufferedBody(body, 1024, new BufferBudget(1024).lease());
    body.write(bytes('{"a"'));
    body.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(read).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('rejects with ERR_STREAM_PREMATURE_CLOSE when the body closes before its end', async () => {
    const body = new PassThrough();
    const read = readBufferedBody(body, 1024, new BufferBudget(1024).lease());
    body.write(bytes('{"a"'));
    body.destroy();
    await expect(read).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });
});
