import { describe, expect, it } from 'vitest';
import { parseProxyConfig, redactUserInfo } from '../../../src/contract';

describe('config schema: credentials in URLs', () => {
  it('accepts user-info in egress.httpsProxy, as corporate proxies need', () => {
    // GIVEN a proxy URL with user and password
    // WHEN parsed
    const parsed = parseProxyConfig({ egress: { httpsProxy: 'http://svc-user:s3cret@proxy.corp:3128' } });
    // THEN it is accepted as is
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.config.egress.httpsProxy).toBe('http://svc-user:s3cret@proxy.corp:3128');
  });

  it('still refuses credentials in an upstream baseUrl, without printing them', () => {
    // GIVEN an upstream URL with credentials
    // WHEN parsed
    const parsed = parseProxyConfig({ upstreams: [{ name: 'primary', baseUrl: 'https://user:hunter2@api.example.test/v1' }] });
    // THEN it is refused with the field path, and the password never appears
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors[0]).toMatch(/^upstreams\.0\.baseUrl: must be an absolute http\(s\) URL without credentials/);
    expect(parsed.errors[0]).toContain('(received "https://[redacted]@api.example.test/v1")');
    expect(parsed.errors.join('\n')).not.toContain('hunter2');
  });

  it('redacts user-info from an invalid httpsProxy in the error', () => {
    // GIVEN a proxy URL with credentials and a query (refused)
    // WHEN parsed
    const parsed = parseProxyConfig({ egress: { httpsProxy: 'http://svc-user:s3cret@proxy.corp:3128/?x=1' } });
    // THEN the error names the field and hides the credentials
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors[0]).toContain('egress.httpsProxy');
    expect(parsed.errors[0]).toContain('http://[redacted]@proxy.corp:3128/?x=1');
    expect(parsed.errors[0]).not.toContain('s3cret');
  });

  it('redacts user-info of URLs inside object values and keeps clientKeys redacted', () => {
    // GIVEN an upstream given as a bad object holding a URL with credentials, and a short client key
    const parsed = parseProxyConfig({
      upstreams: ['https://a:b-secret@x.test/v1'],
      auth: { clientKeys: ['short'] },
    });
    // WHEN / THEN neither secret appears
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const all = parsed.errors.join('\n');
    expect(all).not.toContain('b-secret');
    expect(all).not.toContain('short"');
    expect(all).toContain('auth.clientKeys.0');
    expect(all).toContain('[redacted]');
  });

  it('redactUserInfo keeps URLs without credentials and plain text intact', () => {
    expect(redactUserInfo('https://api.example.test/v1')).toBe('https://api.example.test/v1');
    expect(redactUserInfo('mail me at a@b.test')).toBe('mail me at a@b.test');
    expect(redactUserInfo('x http://u:p@h:1/y and https://v@w/z')).toBe('x http://[redacted]@h:1/y and https://[redacted]@w/z');
  });
});
