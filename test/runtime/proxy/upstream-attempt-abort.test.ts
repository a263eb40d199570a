import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';
import { AttemptController } from '../../../runtime/proxy/attempts/attempt-controller';

describe('AttemptController', () => {
  it('aborts once: the first reason stays and listeners hear one abort', () => {
    // GIVEN a controller with a listener
    const controller = new AttemptController();
    let heard = 0;
    controller.signal.on('abort', () => {
      heard += 1;
    });
    // WHEN it is aborted twice
    controller.abort('first');
    controller.abort('second');
    // THEN
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe('first');
    expect(heard).toBe(1);
  });

  it('takes abort listeners as an AbortSignal does: once, and removable', () => {
    // GIVEN a once listener, and a listener removed before the abort
    const controller = new AttemptController();
    const heard: string[] = [];
    const removed = (): void => {
      heard.push('removed');
    };
    controller.signal.addEventListener('abort', () => heard.push('once'), { once: true });
    controller.signal.addEventListener('abort', removed);
    controller.signal.removeEventListener('abort', removed);
    // WHEN it aborts
    controller.abort();
    // THEN only the once listener ran, and it is gone
    expect(heard).toEqual(['once']);
    expect(controller.signal.listenerCount('abort')).toBe(0);
  });

  it('gives an AbortError reason when aborted without one, as AbortController does', () => {
    const controller = new AttemptController();
    controller.abort();
    expect(controller.signal.reason).toBeInstanceOf(DOMException);
    expect((controller.signal.reason as DOMException).name).toBe('AbortError');
  });
});

describe('an undici request under an AttemptController', () => {
  let mock: MockUpstream | undefined;
  let pool: Pool | undefined;
  afterEach(async () => {
    await pool?.destroy();
    await mock?.close();
  });

  it('fails with the abort reason when aborted before the upstream answers', async () => {
    // GIVEN an upstream that never answers
    mock = await startMockUpstream({ name: 'hangs' });
    mock.setMode({ kind: 'hang' });
    pool = new Pool(`http://127.0.0.1:${mock.port}`);
    const controller = new AttemptController();
    const reason = new Error('per-try timeout');
    // WHEN the request is aborted while it waits
    const pending = pool.request({ method: 'POST', path: '/v1/chat/completions', body: '{}', signal: controller.signal });
    setImmediate(() => controller.abort(reason));
    // THEN it rejects with that reason
    await expect(pending).rejects.toBe(reason);
  });

  it('fails at once when already aborted, and ends a body being read when aborted later', async () => {
    // GIVEN a slow stream
    mock = await startMockUpstream({ name: 'slow' });
    mock.setMode({ kind: 'slow-stream', chunkDelayMs: 60_000 });
    pool = new Pool(`http://127.0.0.1:${mock.port}`);
    const done = new AttemptController();
    done.abort(new Error('already'));
    await expect(pool.request({ method: 'POST', path: '/v1/chat/completions', body: '{"stream":true}', signal: done.signal })).rejects.toThrow('already');
    const controller = new AttemptController();
    const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', body: '{"stream":true,"model":"gpt-4.1"}', signal: controller.signal });
    const iterator = res.body[Symbol.asyncIterator]();
    await iterator.next();
    // WHEN aborted while the body is read
    const next = iterator.next();
    controller.abort(new Error('client gone'));
    // THEN the body fails with the reason
    await expect(next).rejects.toThrow('client gone');
  });
});
