import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startMockUpstream } from '../../../runtime/mock/mock-upstream';
import { HEADERS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { CLIENT_KEY, mockUpstreamsConfig, startRunningProxy, type StartedProxy } from '../../support/running-proxy';

describe('previous_response_id and /v1/responses/{id} go to the upstream that created the response', () => {
  const fx = useProxyFixture<StartedProxy>();

  /** A primary and a backup; the first response is created on the backup (the primary answered 503). */
  const startWithResponseOnBackup = async (): Promise<{ client: OpenAI; id: string }> => {
    fx.mocks = [await startMockUpstream({ name: 'primary' }), await startMockUpstream({ name: 'backup' })];
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks, { circuitBreaker: { failureThreshold: 5 } }));
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${fx.proxy.url}/v1`, maxRetries: 0 });
    fx.mocks[0].setMode({ kind: 'status', status: 503 });
    const { data, response } = await client.responses.create({ model: 'gpt-4.1', input: 'hello' }).withResponse();
    expect(response.headers.get(HEADERS.upstream)).toBe('backup');
    fx.mocks[0].setMode({ kind: 'ok' });
    return { client, id: data.id };
  };

  it('sends a follow-up to the creator even when a higher-priority upstream is healthy again', async () => {
    // GIVEN a response created on the backup, the primary healthy again
    const { client, id } = await startWithResponseOnBackup();
    // WHEN a follow-up names it (JSON and streamed)
    const { data, response } = await client.responses.create({ model: 'gpt-4.1', input: 'and then?', previous_response_id: id }).withResponse();
    const streamed = await client.responses.stream({ model: 'gpt-4.1', input: 'more', previous_response_id: data.id }).finalResponse();
    // THEN both went to the backup, which knows the chain
    expect(response.headers.get(HEADERS.upstream)).toBe('backup');
    expect(data.previous_response_id).toBe(id);
    expect(streamed.previous_response_id).toBe(data.id);
    expect(fx.mocks[0].received.some((r) => r.body.includes('previous_response_id'))).toBe(false);
  });

  it('answers previous_response_unavailable when the creator cannot serve, never asking another upstream', async () => {
    // GIVEN a response created on the backup, and the backup down now
    const { client, id } = await startWithResponseOnBackup();
    fx.mocks[1].setMode({ kind: 'status', status: 503 });
    const primaryBefore = fx.mocks[0].requests;
    // WHEN a follow-up names it
    const error = await client.responses.create({ model: 'gpt-4.1', input: 'x', previous_response_id: id }).catch((e: unknown) => e);
    // THEN a 503 OpenAI error with code previous_response_unavailable, param previous_response_id; the primary never saw it
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.code).toBe('previous_response_unavailable');
    expect(apiError.param).toBe('previous_response_id');
    expect(fx.mocks[0].requests).toBe(primaryBefore);
  });

  it('sends GET, cancel and DELETE of a response to its creator; after DELETE the id is unknown everywhere (404)', async () => {
    // GIVEN a response created on the backup
    const { client, id } = await startWithResponseOnBackup();
    // WHEN it is retrieved, cancelled (not a background response), and deleted
    const { data: fetched, response } = await client.responses.retrieve(id).withResponse();
    const cancel = await client.responses.cancel(id).catch((e: unknown) => e);
    await client.responses.delete(id);
    const after = await client.responses.retrieve(id).catch((e: unknown) => e);
    // THEN the backup answered each (its own 400 for the cancel), and the deleted id is a 404
    expect(response.headers.get(HEADERS.upstream)).toBe('backup');
    expect(fetched.id).toBe(id);
    expect((cancel as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect(after).toBeInstanceOf(OpenAI.NotFoundError);
    expect(fx.mocks[0].received.filter((r) => r.path.includes(id)).map((r) => r.method)).toEqual(['GET']);
  });

  it('passes the retrieve parameters (include) of GET /v1/responses/{id} to the creator, and no others', async () => {
    // GIVEN a response created on the backup
    const { client, id } = await startWithResponseOnBackup();
    // WHEN the SDK retrieves it with include, and a raw request adds a parameter the proxy does not pass
    const fetched = await client.responses.retrieve(id, { include: ['message.output_text.logprobs'] });
    await fetch(`${fx.proxy!.url}/v1/responses/${id}?include[]=reasoning.encrypted_content&x=http://evil`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    // THEN the backup answered, and got include but never x
    expect(fetched.id).toBe(id);
    const paths = fx.mocks[1].received.filter((r) => r.method === 'GET' && r.path.includes(id)).map((r) => decodeURIComponent(r.path));
    expect(paths).toHaveLength(2);
    expect(paths[0]).toContain('include[]=message.output_text.logprobs');
    expect(paths[1]).toContain('include[]=reasoning.encrypted_content');
    expect(paths.join(' ')).not.toContain('evil');
  });

  it('tries an id this pod does not know by priority: an upstream that answers 404 is skipped without a breaker count', async () => {
    // GIVEN a response the backup created directly (as through another pod)
    fx.mocks = [await startMockUpstream({ name: 'primary' }), await startMockUpstream({ name: 'backup' })];
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks, { circuitBreaker: { failureThreshold: 1 } }));
    const direct = await new OpenAI({ apiKey: 'sk-x', baseURL: fx.mocks[1].url, maxRetries: 0 }).responses.create({ model: 'gpt-4.1', input: 'hello' });
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${fx.proxy.url}/v1`, maxRetries: 0 });
    // WHEN a follow-up names it through the proxy
    const { data, response } = await client.responses.create({ model: 'gpt-4.1', input: 'next', previous_response_id: direct.id }).withResponse();
    // THEN the primary's 404 previous_response_not_found sent it on to the backup, and the primary's breaker is closed
    expect(response.headers.get(HEADERS.upstream)).toBe('backup');
    expect(data.previous_response_id).toBe(direct.id);
    expect(fx.proxy.proxy.engine.upstreamStatus().find((u) => u.name === 'primary')?.state).toBe('closed');
  });
});
