import { describe, expect, it } from 'vitest';
import { HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi there' }] };

describe('an upstream isolated by hand', () => {
  const fx = useProxyFixture();

  it('is skipped without an attempt until released, and shows as isolated in the status', async () => {
    // GIVEN two healthy upstreams, the primary isolated by an operator
    fx.mocks = await startMocks(2);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    const hold = fx.proxy.engine.isolate('primary');
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the backup serves it in one attempt, the primary is never asked, and the status says why
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('backup_1');
    expect(res.headers.get(HEADERS.attempts)).toBe('1');
    expect(fx.mocks[0].requests).toBe(0);
    expect(fx.proxy.engine.upstreamStatus()[0]).toMatchObject({ name: 'primary', state: 'open', isolated: true, openUntil: null });
    // AND once released, the primary serves again
    hold.dispose();
    const after = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(after.headers.get(HEADERS.upstream)).toBe('primary');
    expect(fx.proxy.engine.upstreamStatus()[0]).toMatchObject({ isolated: false });
  });

  it('survives a reload that keeps the upstream', async () => {
    // GIVEN an isolated primary
    fx.mocks = await startMocks(2);
    const config = configFor(fx.mocks);
    fx.proxy = await startTestProxy(config);
    fx.proxy.engine.isolate('primary');
    // WHEN the config is reloaded with the same upstreams and other retries
    fx.proxy.engine.reconfigure({ ...config, retries: { ...config.retries, maxRetries: 1 } });
    // THEN it is still isolated
    expect(fx.proxy.engine.upstreamStatus()[0].isolated).toBe(true);
  });

  it('refuses a name no upstream has, listing the upstreams', async () => {
    // GIVEN a proxy with two upstreams
    fx.mocks = await startMocks(2);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN / THEN an unknown name is refused with the names there are
    expect(() => fx.proxy!.engine.isolate('eu-west')).toThrow('no upstream named "eu-west" (upstreams: primary, backup_1)');
  });
});
