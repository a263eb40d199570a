/**
 * A runtime bundle too large for a ConfigMap fails synth naming the size
 * (the real bundle is ~340 KB gzipped, so the size is injected).
 */
import { describe, expect, it, vi } from 'vitest';
import { synthProxy } from './helpers';
import { ProxyRuntime } from '../../src';

vi.mock('../../src/proxy-runtime/private/runtime-bundle', () => ({
  loadGzippedBundle: () => ({ gzip: Buffer.alloc(1024 * 1024), sha256: 'f'.repeat(64) }),
}));

describe('bundled runtime size', () => {
  it('fails when the gzipped bundle does not fit a ConfigMap', () => {
    expect(() => synthProxy()).toThrow(`the gzipped runtime bundle must fit a ConfigMap (at most ${1024 * 1024 - 16 * 1024} bytes); use ProxyRuntime.fromImage() instead (received ${1024 * 1024} bytes)`);
  });

  it('does not read the bundle in image mode', () => {
    // GIVEN / WHEN
    const { proxy } = synthProxy({ runtime: ProxyRuntime.fromImage('registry.example/ai-failover-proxy:1.2.3') });
    // THEN
    expect(proxy.runtimeConfigMap).toBeUndefined();
  });
});
