/**
 * A runtime bundle too large for a ConfigMap fails synth naming the size
 * (the real bundle is ~340 KB gzipped, so the bundle read is replaced by a
 * spy that returns an oversized one), and image mode never reads it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { synthProxy } from './helpers';
import { ProxyRuntime } from '../../src';

const loadGzippedBundle = vi.hoisted(() => vi.fn());

vi.mock('../../src/proxy-runtime/private/runtime-bundle', () => ({ loadGzippedBundle }));

describe('bundled runtime size', () => {
  beforeEach(() => {
    loadGzippedBundle.mockReset();
    loadGzippedBundle.mockReturnValue({ gzip: Buffer.alloc(1024 * 1024), sha256: 'f'.repeat(64) });
  });

  it('fails when the gzipped bundle does not fit a ConfigMap', () => {
    // GIVEN a 1 MiB gzipped bundle / WHEN a bundled proxy is synthesized / THEN it fails naming the size
    expect(() => synthProxy()).toThrow(`the gzipped runtime bundle must fit a ConfigMap (at most ${1024 * 1024 - 16 * 1024} bytes); use ProxyRuntime.fromImage() instead (received ${1024 * 1024} bytes)`);
    expect(loadGzippedBundle).toHaveBeenCalledTimes(1);
  });

  it('does not read the bundle in image mode', () => {
    // GIVEN the same oversized bundle
    // WHEN the proxy runs from an image
    const { proxy, manifests } = synthProxy({ runtime: ProxyRuntime.fromImage('registry.example/ai-failover-proxy:1.2.3') });
    // THEN the bundle is never read and no runtime ConfigMap or init container exists
    expect(loadGzippedBundle).not.toHaveBeenCalled();
    expect(proxy.runtimeConfigMap).toBeUndefined();
    const deployment = manifests.find((m) => m.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.initContainers).toBeUndefined();
  });
});
