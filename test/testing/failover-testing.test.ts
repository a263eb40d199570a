import { createHash } from 'node:crypto';
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { FailoverProxy, FailoverTesting, HolySheepRegion, MultiRegionFailover, ProxyRuntime, Upstream } from '../../src';

type Manifest = { kind: string; metadata: { name: string }; binaryData?: Record<string, string>; [k: string]: any };

function chartWithProxy(runtime?: ProxyRuntime): Chart {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'production', disableResourceNameHashes: true });
  new FailoverProxy(chart, 'Proxy', runtime ? { runtime } : {});
  return chart;
}

const bundleMap = (manifests: Manifest[]): Manifest => manifests.find((m) => m.kind === 'ConfigMap' && m.binaryData)!;
const deployment = (manifests: Manifest[]): Manifest => manifests.find((m) => m.kind === 'Deployment')!;

describe('FailoverTesting.synth', () => {
  it('replaces the bundle bytes with one line and the content-hash name with a stable one, everywhere', () => {
    // GIVEN a chart with a bundled-runtime proxy
    const chart = chartWithProxy();
    const plain = Testing.synth(chart) as Manifest[];
    // WHEN it is synthesized for a snapshot
    const stable = FailoverTesting.synth(chart) as Manifest[];
    // THEN the ConfigMap holds a line instead of ~470 KB of base64, under a name without the hash
    const original = bundleMap(plain);
    expect(original.metadata.name).toMatch(/^[a-z0-9-]+-runtime-[0-9a-f]{10}$/);
    const stableName = original.metadata.name.replace(/[0-9a-f]{10}$/, 'bundle');
    expect(bundleMap(stable).binaryData).toEqual({ 'ai-failover-proxy.js.gz': '<ai-failover-proxy.js.gz: gzipped runtime bundle, replaced by FailoverTesting.synth>' });
    expect(bundleMap(stable).metadata.name).toBe(stableName);
    // AND the pod's volume refers to the renamed ConfigMap, nothing refers to the old name
    const volumes = deployment(stable).spec.template.spec.volumes as Array<{ name: string; configMap?: { name: string } }>;
    expect(volumes.find((v) => v.name === 'runtime-bundle')!.configMap!.name).toBe(stableName);
    expect(JSON.stringify(stable)).not.toContain(original.metadata.name);
    expect(JSON.stringify(stable).length).toBeLessThan(JSON.stringify(plain).length / 10);
    // AND every other object is exactly what Testing.synth renders
    expect(stable.filter((m) => m.kind !== 'ConfigMap' && m.kind !== 'Deployment')).toEqual(plain.filter((m) => m.kind !== 'ConfigMap' && m.kind !== 'Deployment'));
  });

  it('renders the same manifests for two different runtime bundles (a library upgrade)', () => {
    // GIVEN the manifests of one bundle and of another bundle with another hash
    const before = Testing.synth(chartWithProxy()) as Manifest[];
    const hash = bundleMap(before).metadata.name.slice(-10);
    const after = JSON.parse(JSON.stringify(before).split(hash).join('0123456789')) as Manifest[];
    bundleMap(after).binaryData!['ai-failover-proxy.js.gz'] = Buffer.from('another runtime').toString('base64');
    // WHEN both are made stable
    // THEN they are equal
    expect(FailoverTesting.replaceRuntimeBundle(after)).toEqual(FailoverTesting.replaceRuntimeBundle(before));
    expect(bundleMap(after).binaryData!['ai-failover-proxy.js.gz']).toBe(Buffer.from('another runtime').toString('base64'));
  });

  it('keeps the digest and the content-hash name with keepRuntimeDigest', () => {
    // GIVEN a chart with a bundled-runtime proxy
    const chart = chartWithProxy();
    const plain = Testing.synth(chart) as Manifest[];
    // WHEN the digest is kept
    const pinned = FailoverTesting.synth(chart, { keepRuntimeDigest: true }) as Manifest[];
    // THEN the line names the sha256 and size of the gzipped bundle, and the name is unchanged
    const gzip = Buffer.from(bundleMap(plain).binaryData!['ai-failover-proxy.js.gz'], 'base64');
    const sha256 = createHash('sha256').update(gzip).digest('hex');
    expect(bundleMap(pinned).binaryData!['ai-failover-proxy.js.gz']).toBe(`<ai-failover-proxy.js.gz: gzipped runtime bundle, sha256 ${sha256}, ${gzip.length} bytes>`);
    expect(bundleMap(pinned).metadata.name).toBe(bundleMap(plain).metadata.name);
    expect(bundleMap(plain).metadata.name.endsWith(`-runtime-${sha256.slice(0, 10)}`)).toBe(true);
  });

  it('makes every region chart of a MultiRegionFailover stable', () => {
    // GIVEN two regions
    const failover = new MultiRegionFailover(Testing.app(), 'ai-failover', {
      regions: [{ name: 'asia-pacific' }, { name: 'us', proxy: { upstreams: [Upstream.holySheep(HolySheepRegion.US)] } }],
    });
    // WHEN each region chart is made stable
    const charts = failover.charts.map((chart) => FailoverTesting.synth(chart) as Manifest[]);
    // THEN each has its bundle line and no base64 bundle
    expect(charts).toHaveLength(2);
    for (const manifests of charts) {
      expect(bundleMap(manifests).binaryData!['ai-failover-proxy.js.gz']).toMatch(/replaced by FailoverTesting.synth/);
      expect(bundleMap(manifests).metadata.name).toMatch(/-runtime-bundle$/);
    }
  });

  it('returns the manifests of an image-mode proxy unchanged', () => {
    // GIVEN a proxy that runs a built image (no bundle ConfigMap)
    const chart = chartWithProxy(ProxyRuntime.fromImage('registry.example.com/ai-failover-proxy:1.0.0'));
    // WHEN made stable THEN nothing changes
    expect(FailoverTesting.synth(chart)).toEqual(Testing.synth(chart));
  });
});
