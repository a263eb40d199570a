import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { redisClientLoaded } from '../../../runtime/shared-state/redis-link';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

describe('the Redis client code', () => {
  const fx = useProxyFixture();

  it('is never loaded by a proxy without shared state (its code would take ~9 MiB of every pod)', async () => {
    // GIVEN a proxy started without REDIS_URL, in a process that has not loaded ioredis
    expect(redisClientLoaded()).toBe(false);
    fx.mocks = await startMocks(1);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN it serves a request
    const res = await postJson(fx.proxy.origin, '/v1/chat/completions', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    // THEN it answered and ioredis is still not loaded
    expect(res.status).toBe(200);
    expect(redisClientLoaded()).toBe(false);
    // AND no module of the runtime imported it eagerly either (it would sit in Node's module cache)
    expect(Object.keys(createRequire(__filename).cache).filter((path) => path.includes('/node_modules/ioredis/'))).toEqual([]);
  });
});
