import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, startFleet, twoUpstreams } from './fleet';
import { startRedis, type TestRedis } from './redis-server';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { HEADERS } from '../../../src/contract';
import { startMocks, type TestProxy } from '../../support/proxy-harness';

describe('previous_response_id reaches the creating upstream from any replica', () => {
  let redis: TestRedis;
  let primary: MockUpstream;
  let backup: MockUpstream;
  let fleet: TestProxy[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    [primary, backup] = await startMocks(2);
    fleet = await startFleet(2, {
      upstreams: twoUpstreams(primary, backup),
      circuitBreaker: { failureThreshold: 5 },
      sharedState: { keyPrefix: 'affinity', commandTimeoutMs: 1000 },
    }, redis.url);
  });
  afterAll(async () => {
    await closeAll(fleet);
    await primary.close();
    await backup.close();
    await redis.stop();
  });

  it('sends a follow-up through replica B to the upstream that created the response through replica A', async () => {
    // GIVEN a response created through replica A on the backup (the primary answered 503)
    const through = (proxy: TestProxy) => new OpenAI({ apiKey: 'sk-unused', baseURL: `${proxy.origin}/v1`, maxRetries: 0 });
    primary.setMode({ kind: 'status', status: 503 });
    const first = await through(fleet[0]).responses.create({ model: 'gpt-4.1', input: 'hello' }).withResponse();
    expect(first.response.headers.get(HEADERS.upstream)).toBe('backup');
    primary.setMode({ kind: 'ok' });
    // WHEN a follow-up naming it reaches replica B, which never saw it, with the primary healthy again
    const followUp = await through(fleet[1]).responses.create({ model: 'gpt-4.1', input: 'and then?', previous_response_id: first.data.id }).withResponse();
    // THEN B sends it to the backup (the creator), not by priority to the primary
    expect(followUp.response.headers.get(HEADERS.upstream)).toBe('backup');
    expect(followUp.data.previous_response_id).toBe(first.data.id);
    expect(primary.received.some((r) => r.body.includes('previous_response_id'))).toBe(false);
  });
});
