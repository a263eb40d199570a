import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../../src/contract';

const UPSTREAMS = { upstreams: [{ name: 'primary', baseUrl: 'https://api.example.com/v1' }] };

describe('config fields that bound each other', () => {
  it('refuses a request-body budget smaller than the largest accepted body, naming both fields', () => {
    // GIVEN a budget of 2 MiB for all bodies in memory and bodies of up to 4 MiB accepted
    const input = { ...UPSTREAMS, limits: { maxBodyBytes: 4 * 1024 * 1024, maxBufferedRequestBytes: 2 * 1024 * 1024 } };
    // WHEN the config is parsed
    const result = parseProxyConfig(input);
    // THEN it is refused at limits.maxBufferedRequestBytes, with the bound it must meet
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.join('\n')).toMatch(/limits\.maxBufferedRequestBytes.*must be >= limits\.maxBodyBytes \(4194304\)/);
  });

  it('accepts a budget equal to the largest accepted body', () => {
    // GIVEN a budget that holds exactly one body of the largest size
    const input = { ...UPSTREAMS, limits: { maxBodyBytes: 4 * 1024 * 1024, maxBufferedRequestBytes: 4 * 1024 * 1024 } };
    // WHEN parsed THEN it is accepted as written
    const result = parseProxyConfig(input);
    expect(result.ok && result.config.limits.maxBufferedRequestBytes).toBe(4 * 1024 * 1024);
  });
});
