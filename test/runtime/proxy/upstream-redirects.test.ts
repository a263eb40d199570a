import { describe, expect, it } from 'vitest';
import { HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('upstream redirects', () => {
  const fx = useProxyFixture();

  it('does not follow an upstream redirect: it counts as a failure and fails over', async () => {
    // GIVEN a primary answering 302 to somewhere else
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 302, body: { moved: true } });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the backup answers; the redirect never reached the client
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('backup_1');
  });
});
