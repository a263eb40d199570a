import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';
import { HEADERS } from '../../../src/contract';
import { startTestProxy, type TestProxy } from '../../support/proxy-harness';

describe('the body limit of a chunked request (server, real engine, a mock)', () => {
  let mock: MockUpstream | undefined;
  let proxy: TestProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await mock?.close();
  });

  it('answers 413 to a chunked body over the limit (no content-length) through the engine', async () => {
    // GIVEN a 2 KiB body limit
    mock = await startMockUpstream({ name: 'one' });
    proxy = await startTestProxy(`upstreams: [{name: one, baseUrl: "${mock.url}"}]\n`, { env: { MAX_BODY_BYTES: '2048' } });
    // WHEN a 8 KiB body is streamed without a length
    const status = await new Promise<{ status: number; id: string | undefined; body: string }>((resolve, reject) => {
      const req = request(`${proxy!.origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, id: res.headers[HEADERS.requestId] as string | undefined, body }));
      });
      req.on('error', reject);
      req.write(`{"model":"gpt-4.1","pad":"${'x'.repeat(4096)}`);
      req.end(`${'y'.repeat(4096)}"}`);
    });
    // THEN 413 with a request id, and the upstream never saw it
    expect(status.status).toBe(413);
    expect(status.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(JSON.parse(status.body)).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(mock.requests).toBe(0);
  });
});
