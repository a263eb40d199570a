import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchConfig, type ConfigWatcher } from '../../../runtime/config/config-watcher';
import type { ConfigError } from '../../../runtime/config/load-config';
import type { ProxyConfig } from '../../../src/contract';
import { eventually } from '../../support/eventually';

/** Lays out a directory like a ConfigMap volume: config.yaml → ..data/config.yaml → ..<version>/. */
function writeVersion(dir: string, version: string, yaml: string): void {
  const versionDir = join(dir, `..${version}`);
  mkdirSync(versionDir);
  writeFileSync(join(versionDir, 'config.yaml'), yaml);
  const tmpLink = join(dir, '..data_tmp');
  symlinkSync(`..${version}`, tmpLink);
  renameSync(tmpLink, join(dir, '..data')); // atomic swap, as the kubelet does
}

describe('watchConfig', () => {
  let dir: string;
  let watcher: ConfigWatcher | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'watch-'));
  });
  afterEach(() => {
    watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees a ConfigMap ..data symlink swap, passes valid configs and refuses invalid ones', async () => {
    // GIVEN a ConfigMap-style mount
    writeVersion(dir, 'v1', 'upstreams: [{name: a, baseUrl: "http://127.0.0.1:1/v1"}]\n');
    symlinkSync('..data/config.yaml', join(dir, 'config.yaml'));
    const changes: ProxyConfig[] = [];
    const errors: ConfigError[] = [];
    watcher = watchConfig({ path: join(dir, 'config.yaml'), env: {}, debounceMs: 20, pollIntervalMs: 200, onChange: (c) => changes.push(c), onError: (e) => errors.push(e) });
    // WHEN a new version is swapped in
    writeVersion(dir, 'v2', 'upstreams: [{name: b, baseUrl: "http://127.0.0.1:1/v1"}]\n');
    // THEN the change arrives (file event or poll), bounded in time
    await eventually(() => expect(changes.map((c) => c.upstreams[0]?.name)).toEqual(['b']));
    // WHEN an invalid version is swapped in
    writeVersion(dir, 'v3', 'upstreams: [{name: b, baseUrl: 42}]\n');
    await eventually(() => expect(errors).toHaveLength(1));
    // THEN it is refused with its field path, and no change is reported
    expect(errors).toHaveLength(1);
    expect(errors[0]!.errors.join('\n')).toContain('upstreams.0.baseUrl');
    expect(changes).toHaveLength(1);
  });

  it('does not report an unchanged file', () => {
    writeFileSync(join(dir, 'config.yaml'), 'upstreams: [{name: a, baseUrl: "http://127.0.0.1:1/v1"}]\n');
    const changes: ProxyConfig[] = [];
    watcher = watchConfig({ path: join(dir, 'config.yaml'), env: {}, onChange: (c) => changes.push(c), onError: () => undefined });
    watcher.check();
    expect(changes).toEqual([]);
  });
});
