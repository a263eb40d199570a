import { describe, expect, it } from 'vitest';
import { passwordOfUrl, proxySecrets, REDACTED, SecretRedactor } from '../../../runtime/proxy/response/secret-redactor';

describe('SecretRedactor', () => {
  const key = 'sk-live-ABCDEFGH12345678';

  it('replaces every occurrence of every secret in text and counts them', () => {
    // GIVEN two secrets
    const redactor = new SecretRedactor([key, 'pa$$word-"quoted"']);
    // WHEN a text holds one twice and the other once, the latter JSON-escaped
    const { text, count } = redactor.redactText(`a ${key} b ${key} c ${JSON.stringify('pa$$word-"quoted"')}`);
    // THEN all three are replaced
    expect(text).toBe(`a ${REDACTED} b ${REDACTED} c "${REDACTED}"`);
    expect(count).toBe(3);
  });

  it('finds a URL-encoded secret', () => {
    // GIVEN a secret with characters that URL encoding changes
    const redactor = new SecretRedactor(['p@ss:w/rd+123']);
    // WHEN it appears URL-encoded
    // THEN it is replaced
    expect(redactor.redactText(`redis://u:${encodeURIComponent('p@ss:w/rd+123')}@h`).text).toBe(`redis://u:${REDACTED}@h`);
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    // GIVEN a secret that contains another
    const redactor = new SecretRedactor(['sk-short-1234', 'sk-short-1234-and-longer']);
    // WHEN the longer appears
    // THEN it is replaced as one
    expect(redactor.redactText('x sk-short-1234-and-longer y')).toEqual({ text: `x ${REDACTED} y`, count: 1 });
  });

  it('returns a body without secrets as the same Buffer', () => {
    // GIVEN a body that holds no secret
    const redactor = new SecretRedactor([key]);
    const body = Buffer.from('{"ok":true}');
    // WHEN it is redacted
    // THEN nothing is copied
    expect(redactor.redactBuffer(body)).toEqual({ body, count: 0 });
    expect(redactor.redactBuffer(body).body).toBe(body);
  });

  it('redacts string and list header values in place', () => {
    // GIVEN headers carrying the key
    const redactor = new SecretRedactor([key]);
    const headers: Record<string, string | string[] | number> = { 'www-authenticate': `Bearer token="${key}"`, 'x-list': ['a', `b ${key}`], 'content-length': 5 };
    // WHEN they are redacted
    const count = redactor.redactHeaders(headers);
    // THEN the values no longer hold it
    expect(count).toBe(2);
    expect(headers).toEqual({ 'www-authenticate': `Bearer token="${REDACTED}"`, 'x-list': ['a', `b ${REDACTED}`], 'content-length': 5 });
  });

  it('ignores secrets shorter than 8 characters and empty ones', () => {
    // GIVEN only short secrets
    const redactor = new SecretRedactor(['', 'short']);
    // THEN it searches for nothing
    expect(redactor.empty).toBe(true);
    expect(redactor.redactText('a short text').count).toBe(0);
  });

  it.each([
    ['redis://:s3cret-pass@redis:6379/0', 's3cret-pass'],
    ['rediss://default:p%40ss%2Fword@redis:6380', 'p@ss/word'],
    ['redis://redis:6379', undefined],
    ['not a url', undefined],
    [undefined, undefined],
  ])('reads the password of %s', (url, password) => {
    expect(passwordOfUrl(url)).toBe(password);
  });
});

describe('proxySecrets', () => {
  it('collects the upstream keys, the Redis password of REDIS_PASSWORD and REDIS_URL, and the egress credentials', () => {
    // GIVEN keys, a Redis URL with a password, an override, and a proxy URL with credentials
    const secrets = proxySecrets(
      ['sk-one-1234567890', undefined, ''],
      { REDIS_URL: 'redis://:url-pass-123456@redis:6379', REDIS_PASSWORD: 'override-pass-123456' },
      'http://proxy-user:proxy%40pass@proxy:3128',
    );
    // THEN every one is listed once, decoded
    expect(secrets).toEqual(['sk-one-1234567890', 'override-pass-123456', 'url-pass-123456', 'proxy-user', 'proxy@pass']);
  });

  it('lists nothing more without shared state or an egress proxy', () => {
    expect(proxySecrets(['sk-one-1234567890'], {}, undefined)).toEqual(['sk-one-1234567890']);
  });
});
