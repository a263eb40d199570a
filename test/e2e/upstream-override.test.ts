import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { overrideUpstreamUrls } from './upstream-override';

describe('overrideUpstreamUrls', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('replaces only the base URLs, in priority order, keeping comments and every other field', () => {
    // GIVEN
    dir = mkdtempSync(join(tmpdir(), 'e2e-override-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, [
      '# rendered',
      'upstreams:',
      '  - name: b',
      '    baseUrl: https://b.example/v1',
      '    priority: 2',
      '  - name: a',
      '    baseUrl: https://a.example/v1',
      '    priority: 0',
      '    apiKeyEnv: A_KEY',
      'retries:',
      '  maxRetries: 3',
      '',
    ].join('\n'));
    // WHEN
    const rendered = overrideUpstreamUrls(file, ['http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1']);
    // THEN
    expect(rendered.map((u) => u.name)).toEqual(['a', 'b']);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# rendered')).toBe(true);
    expect(parse(text)).toEqual({
      upstreams: [
        { name: 'b', baseUrl: 'http://127.0.0.1:2/v1', priority: 2 },
        { name: 'a', baseUrl: 'http://127.0.0.1:1/v1', priority: 0, apiKeyEnv: 'A_KEY' },
      ],
      retries: { maxRetries: 3 },
    });
  });

  it('refuses a mock count that differs from the upstream count', () => {
    // GIVEN
    dir = mkdtempSync(join(tmpdir(), 'e2e-override-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'upstreams:\n  - name: a\n    baseUrl: https://a.example/v1\n');
    // WHEN / THEN
    expect(() => overrideUpstreamUrls(file, [])).toThrow('config.yaml has 1 upstreams but 0 mock URLs were given');
  });
});
