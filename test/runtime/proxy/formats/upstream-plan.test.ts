import { describe, expect, it } from 'vitest';
import type { Translator } from '../../../../runtime/proxy/formats/types';
import { applyUpstreamAuth } from '../../../../runtime/proxy/formats/upstream-auth';
import { planUpstream, translatorFor } from '../../../../runtime/proxy/formats/upstream-plan';
import { HealthChecker } from '../../../../runtime/proxy/upstreams/health-checker';
import type { UpstreamRuntime } from '../../../../runtime/proxy/upstreams/upstream-runtime';

const openai = { name: 'primary', format: 'openai' as const, modelRewrites: { 'gpt-4.1': 'gpt-4.1-2025' }, includeUsage: true };
const anthropic = { name: 'claude', format: 'anthropic' as const, modelRewrites: { 'gpt-4.1': 'claude-sonnet-4-5' }, includeUsage: true };

describe('planUpstream', () => {
  it('sends a native request with the model rewritten and asks a chat stream for usage', () => {
    // GIVEN a streamed chat request for an openai upstream
    const plan = planUpstream('chat', 'chat/completions', openai, { model: 'gpt-4.1', stream: true, messages: [] }, true, []);
    // THEN the body goes natively with the rewrite and include_usage, hidden from the client
    expect(plan.kind).toBe('plan');
    if (plan.kind !== 'plan') return;
    expect(JSON.parse(plan.body!.toString())).toMatchObject({ model: 'gpt-4.1-2025', stream_options: { include_usage: true } });
    expect(plan.stripUsage).toBe(true);
    expect(plan.wire).toBe('chat');
  });

  it('marks a pair without a translator unsupported (the Responses API on an anthropic upstream)', () => {
    // GIVEN no translators
    // WHEN a Responses request is planned for an anthropic upstream
    const plan = planUpstream('responses', 'responses', anthropic, { model: 'gpt-4.1', input: 'x' }, false, []);
    // THEN the upstream is skipped with the reason
    expect(plan).toEqual({ kind: 'unsupported', reason: 'upstream claude speaks anthropic, which does not serve responses' });
  });

  it('translates through the pair\'s translator after the rewrite, and passes its refusal on', () => {
    // GIVEN a chat → anthropic translator that refuses n > 1
    const translator: Translator = {
      client: 'chat',
      upstream: 'messages',
      upstreamPath: 'messages',
      request: (body) => (body.n === 2 ? { kind: 'refused', field: 'n', message: 'n must be 1 (received 2)' } : { kind: 'translated', body: { model: body.model, max_tokens: 10 }, dropped: ['user'] }),
      response: (body) => body,
      stream: () => ({ push: () => [], end: () => [] }),
    };
    expect(translatorFor('chat', 'anthropic', [translator])).toBe(translator);
    // WHEN a chat request is planned for the anthropic upstream
    const plan = planUpstream('chat', 'chat/completions', anthropic, { model: 'gpt-4.1', user: 'u', messages: [] }, false, [translator]);
    const refused = planUpstream('chat', 'chat/completions', anthropic, { model: 'gpt-4.1', n: 2, messages: [] }, false, [translator]);
    // THEN the translated body goes to /messages, and the refusal is returned as is
    expect(plan).toMatchObject({ kind: 'plan', subPath: 'messages', wire: 'messages', dropped: ['user'] });
    expect(plan.kind === 'plan' && JSON.parse(plan.body!.toString())).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 10 });
    expect(refused).toEqual({ kind: 'refused', field: 'n', message: 'n must be 1 (received 2)' });
  });
});

describe('applyUpstreamAuth', () => {
  it('sends an anthropic upstream its key as x-api-key with the client\'s version and beta, never Authorization', () => {
    // GIVEN forwarded headers carrying the upstream key as a bearer token
    const forwarded = { 'authorization': 'Bearer sk-up', 'anthropic-version': '2024-01-01', 'anthropic-beta': 'tools-2024' };
    // WHEN adapted for an anthropic upstream
    const headers = applyUpstreamAuth({ ...forwarded }, { 'anthropic-version': '2024-01-01', 'anthropic-beta': 'tools-2024' }, { format: 'anthropic', apiKey: 'sk-up', anthropicVersion: '2023-06-01' });
    const defaulted = applyUpstreamAuth({ authorization: 'Bearer sk-up' }, {}, { format: 'anthropic', apiKey: 'sk-up', anthropicVersion: '2023-06-01' });
    // THEN
    expect(headers).toEqual({ 'x-api-key': 'sk-up', 'anthropic-version': '2024-01-01', 'anthropic-beta': 'tools-2024' });
    expect(defaulted).toEqual({ 'x-api-key': 'sk-up', 'anthropic-version': '2023-06-01' });
  });

  it('does not send Anthropic\'s headers to an openai upstream', () => {
    // WHEN adapted for an openai upstream
    const headers = applyUpstreamAuth({ 'authorization': 'Bearer sk-up', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'x' }, {}, { format: 'openai', apiKey: 'sk-up', anthropicVersion: '2023-06-01' });
    // THEN only the bearer key remains
    expect(headers).toEqual({ authorization: 'Bearer sk-up' });
  });
});

describe('active health checks of an anthropic upstream', () => {
  it('send its key as x-api-key with anthropic-version, as Anthropic\'s GET /models wants', async () => {
    // GIVEN an open-breaker anthropic upstream whose pool records the headers it is sent
    const sent: Record<string, string>[] = [];
    let healthy = 0;
    const upstream = {
      name: 'claude',
      apiKey: 'sk-ant-up',
      config: { format: 'anthropic', anthropicVersion: '2023-06-01' },
      breaker: { state: 'open', onHealthy: () => { healthy += 1; } },
      pool: {
        request: (options: { headers: Record<string, string> }) => {
          sent.push(options.headers);
          return Promise.resolve({ statusCode: 200, body: { dump: () => Promise.resolve() } });
        },
      },
    } as unknown as UpstreamRuntime;
    const checker = new HealthChecker({ intervalMs: 1000, timeoutMs: 100, now: () => 0, random: () => 0.5, upstreams: () => [upstream] });
    // WHEN it is checked
    const ok = await checker.check(upstream);
    // THEN the check authenticated the Anthropic way and closed nothing by mistake
    expect(ok).toBe(true);
    expect(healthy).toBe(1);
    expect(sent).toEqual([{ 'x-api-key': 'sk-ant-up', 'anthropic-version': '2023-06-01' }]);
  });
});
