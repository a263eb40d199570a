import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postChat, twoMockConfigYaml, useTwoMockProxy } from '../../support/two-mock-proxy';

describe('a full outage and a hot reload (server, real engine, two mocks)', () => {
  const { fx, start } = useTwoMockProxy();

  it('stays ready in a full outage and keeps breaker state across a hot reload', async () => {
    // GIVEN both upstreams failing until their breakers open
    const { p, path } = await start();
    fx.mocks.forEach((m) => m.setMode({ kind: 'status', status: 500 }));
    const failed = await postChat(p.origin, { model: 'gpt-4.1' });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(p.engine.upstreamStatus().map((u) => u.state)).toEqual(['open', 'open']);
    // WHEN probes run
    // THEN readiness stays 200
    expect((await fetch(`${p.origin}/health/ready`)).status).toBe(200);
    // WHEN the config changes without touching the upstreams
    writeFileSync(path, twoMockConfigYaml(fx.mocks, 'rateLimit: {requestsPerMinute: 500}'));
    p.running.reloadConfig();
    // THEN the new config runs and the breakers are still open
    expect(p.running.config().rateLimit.requestsPerMinute).toBe(500);
    expect(p.engine.upstreamStatus().map((u) => u.state)).toEqual(['open', 'open']);
  });
});
