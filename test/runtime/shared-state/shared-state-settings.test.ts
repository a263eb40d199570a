import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl } from '../../../runtime/shared-state/redis-url';
import { defaultKeyPrefix, sharedStateSettings } from '../../../runtime/shared-state/shared-state-settings';

const CONFIG = { commandTimeoutMs: 50, failMode: 'open', shareBreakers: true } as const;

describe('shared state settings', () => {
  it('is off without REDIS_URL', () => {
    // GIVEN no REDIS_URL WHEN settings are read THEN shared state is off
    expect(sharedStateSettings({}, CONFIG)).toEqual({ ok: true, settings: undefined });
    expect(sharedStateSettings({ REDIS_URL: '  ' }, CONFIG)).toEqual({ ok: true, settings: undefined });
  });

  it('reads user, password, TLS and database from the URL', () => {
    // GIVEN a rediss:// URL with credentials and a database
    const parsed = parseRedisUrl('rediss://proxy:p%40ss@redis.internal:6380/2');
    // THEN every part is decoded, and the redacted form hides the user-info
    expect(parsed).toEqual({
      ok: true,
      target: { redacted: 'rediss://[redacted]@redis.internal:6380/2', tls: true, host: 'redis.internal', port: 6380, username: 'proxy', password: 'p@ss', db: 2 },
    });
  });

  it('takes REDIS_PASSWORD over a password in the URL', () => {
    // GIVEN a URL without a password and REDIS_PASSWORD from a Secret
    const result = sharedStateSettings({ REDIS_URL: 'redis://redis:6379', REDIS_PASSWORD: 'a/b@c:d' }, CONFIG);
    // THEN the password is used as is (no URL encoding needed)
    expect(result.ok && result.settings?.target.password).toBe('a/b@c:d');
  });

  it.each([
    ['http://redis:6379', /REDIS_URL: must use redis:\/\/ or rediss:\/\/ \(received "http:\/\/redis:6379"\)/],
    ['redis://:secret-pw@redis:6379/x', /REDIS_URL: the path must be a database number such as \/0 \(received "redis:\/\/\[redacted\]@redis:6379\/x"\)/],
    ['redis://redis:6379?db=1', /REDIS_URL: must not carry a query or fragment/],
    ['not a url', /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL \(received "not a url"\)/],
  ])('refuses %s naming REDIS_URL, the password redacted', (url, message) => {
    // GIVEN a bad REDIS_URL WHEN settings are read
    const result = sharedStateSettings({ REDIS_URL: url }, CONFIG);
    // THEN the error names the variable and never shows the password
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
    expect(JSON.stringify(result)).not.toContain('secret-pw');
  });

  it('derives the key prefix from DEPLOYMENT_NAME, else from a Deployment pod\'s HOSTNAME', () => {
    // GIVEN / WHEN / THEN
    expect(defaultKeyPrefix({ DEPLOYMENT_NAME: 'eu-proxy', HOSTNAME: 'other-7d9f8c6b5-x2k4p' })).toBe('ai-failover:eu-proxy:');
    expect(defaultKeyPrefix({ HOSTNAME: 'holysheep-ai-proxy-7d9f8c6b5d-x2k4p' })).toBe('ai-failover:holysheep-ai-proxy:');
    expect(defaultKeyPrefix({ HOSTNAME: 'laptop' })).toBe('ai-failover:ai-failover-proxy:');
    expect(defaultKeyPrefix({})).toBe('ai-failover:ai-failover-proxy:');
  });

  it('ends a configured key prefix with a colon', () => {
    // GIVEN a prefix without a trailing colon
    const result = sharedStateSettings({ REDIS_URL: 'redis://redis:6379' }, { ...CONFIG, keyPrefix: 'team-a' });
    // THEN keys are `team-a:...`
    expect(result.ok && result.settings?.keyPrefix).toBe('team-a:');
  });

  it('redacts the user-info of every redis URL in a text', () => {
    expect(redactRedisUrl('a redis://u:p@h:1 and rediss://:q@h2/0')).toBe('a redis://[redacted]@h:1 and rediss://[redacted]@h2/0');
  });
});
