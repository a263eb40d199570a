import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientAuth } from '../../../runtime/ops/client-auth';

const bearer = (key: string): IncomingMessage => ({ headers: { authorization: `Bearer ${key}` } } as unknown as IncomingMessage);

describe('client keys accepted before', () => {
  it('are accepted again with the same fingerprint, while other keys are still refused', () => {
    // GIVEN two keys, one of them accepted once
    const auth = new ClientAuth(['client-key-aaa', 'client-key-bbb']);
    const first = auth.check(bearer('client-key-aaa'));
    // WHEN it is presented again, next to the other key and a wrong one
    // THEN
    expect(first).toMatchObject({ ok: true, client: expect.stringMatching(/^key:[0-9a-f]{8}$/) });
    expect(auth.check(bearer('client-key-aaa'))).toEqual(first);
    expect(auth.check(bearer('client-key-bbb'))).toMatchObject({ ok: true });
    expect(auth.check(bearer('client-key-bbb'))).not.toEqual(first);
    expect(auth.check(bearer('client-key-aab'))).toMatchObject({ ok: false });
  });

  it('are refused once a reload removed them', () => {
    // GIVEN a key accepted before a reload that replaces it
    const auth = new ClientAuth(['client-key-old']);
    expect(auth.check(bearer('client-key-old')).ok).toBe(true);
    // WHEN the keys change
    auth.setKeys(['client-key-new']);
    // THEN the old key is refused and the new one accepted
    expect(auth.check(bearer('client-key-old'))).toMatchObject({ ok: false, message: expect.stringContaining('incorrect API key') });
    expect(auth.check(bearer('client-key-new')).ok).toBe(true);
  });
});
