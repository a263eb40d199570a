import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_END, REFERENCE_START, renderConfigReference, withConfigReference } from '../../scripts/config-reference';

describe('README config reference', () => {
  it('is the reference generated from the zod schema (run `npm run docs:config` to refresh)', () => {
    // GIVEN the README as committed
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    // WHEN the reference section is regenerated from the schema
    const regenerated = withConfigReference(readme);
    // THEN nothing changes
    expect(readme).toContain(REFERENCE_START);
    expect(readme).toContain(REFERENCE_END);
    expect(regenerated).toBe(readme);
  });

  it('lists every top-level section of config.yaml with its defaults', () => {
    // GIVEN / WHEN the rendered table
    const table = renderConfigReference();
    // THEN the sections and a few defaults are in it
    for (const key of ['upstreams[].baseUrl', 'circuitBreaker.failureThreshold', 'retries.maxRetries', 'rateLimit.requestsPerMinute', 'pricing', 'currency.code']) {
      expect(table).toContain(`| \`${key}\` |`);
    }
    expect(table).toMatch(/\| `circuitBreaker\.failureThreshold` \| integer \(>= 1\) \| `5` \|/);
    expect(table).toMatch(/\| `currency\.code` \| string \| `"CNY"` \|/);
  });
});
