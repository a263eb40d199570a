import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientAuth } from '../../../runtime/ops/client-auth';
import { upstreamRequestHeaders } from '../../../runtime/proxy/upstreams/forward-headers';

const request = (headers: Record<string, string>): IncomingMessage => ({ headers } as unknown as IncomingMessage);

describe('client keys in every header an SDK sends them in', () => {
  it('accepts a client key as Authorization: Bearer, x-api-key (Anthropic SDK) or api-key, and refuses a wrong one', () => {
    // GIVEN one client key
    const auth = new ClientAuth(['client-key-123']);
    // WHEN it is presented in each header
    // THEN each passes with the same fingerprint, and a wrong key in x-api-key fails
    const bearer = auth.check(request({ authorization: 'Bearer client-key-123' }));
    expect(bearer.ok).toBe(true);
    expect(auth.check(request({ 'x-api-key': 'client-key-123' }))).toEqual(bearer);
    expect(auth.check(request({ 'api-key': 'client-key-123' }))).toEqual(bearer);
    expect(auth.check(request({ 'x-api-key': 'wrong-key-456' }))).toMatchObject({ ok: false, message: expect.stringContaining('incorrect API key') });
    expect(auth.check(request({}))).toMatchObject({ ok: false, message: expect.stringContaining('"x-api-key"') });
  });

  it('never forwards the client\'s x-api-key, api-key or Authorization upstream', () => {
    // GIVEN a request carrying the client key in all three headers
    const headers = upstreamRequestHeaders({ 'authorization': 'Bearer client-key-123', 'x-api-key': 'client-key-123', 'api-key': 'client-key-123' }, 'sk-upstream', 'req-1', 2);
    // THEN only the upstream's key goes out
    expect(JSON.stringify(headers)).not.toContain('client-key-123');
    expect(headers.authorization).toBe('Bearer sk-upstream');
  });
});
