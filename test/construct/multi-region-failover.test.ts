import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { HolySheepRegion, MetricsScrape, MultiRegionFailover, Upstream } from '../../src';
import { CONFIG_FILE } from '../../src/contract';

const ap = Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC);
const us = Upstream.holySheep(HolySheepRegion.US);
const eu = Upstream.holySheep(HolySheepRegion.EU);

describe('MultiRegionFailover', () => {
  let outdir: string | undefined;
  afterEach(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
    outdir = undefined;
  });

  it('writes one file per region, each starting with its Namespace, nearest upstream first', () => {
    // GIVEN
    outdir = mkdtempSync(path.join(tmpdir(), 'mrf-'));
    const app = new App({ outdir });
    new MultiRegionFailover(app, 'ai-failover', {
      regions: [
        { name: 'asia-pacific', proxy: { upstreams: [ap, us, eu] } },
        { name: 'us', proxy: { upstreams: [us, eu, ap] } },
        { name: 'eu', namespaceName: 'llm', proxy: { upstreams: [eu, us, ap], maxRetries: 1 } },
      ],
      proxy: { maxRetries: 2 },
    });
    // WHEN
    app.synth();
    // THEN
    expect(readdirSync(outdir).sort()).toEqual(['asia-pacific.k8s.yaml', 'eu.k8s.yaml', 'us.k8s.yaml']);
    const load = (file: string) => parseAllDocuments(readFileSync(path.join(outdir!, file), 'utf8')).map((d) => d.toJS());
    const expectations: Array<[string, string, string, number]> = [
      ['asia-pacific.k8s.yaml', 'production', 'holysheep-ap', 2],
      ['us.k8s.yaml', 'production', 'holysheep-us', 2],
      ['eu.k8s.yaml', 'llm', 'holysheep-eu', 1],
    ];
    for (const [file, namespace, first, retries] of expectations) {
      const objects = load(file);
      expect(objects[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      expect(objects.slice(1).every((o) => o.metadata.namespace === namespace)).toBe(true);
      expect(objects.map((o) => o.metadata.name)).toEqual(expect.arrayContaining([
        'holysheep-ai-proxy', 'holysheep-ai-service', 'holysheep-ai-hpa', 'holysheep-config',
      ]));
      const config = objects.find((o) => o.metadata.name === 'holysheep-config').data[CONFIG_FILE.fileName];
      const parsedConfig = parseAllDocuments(config)[0].toJS();
      expect(parsedConfig.upstreams[0].name).toBe(first);
      expect(parsedConfig.retries.maxRetries).toBe(retries);
    }
  });

  it('writes the CRD-backed objects of each region to monitoringApp, same file name, none for regions without them', () => {
    // GIVEN a main App and a monitoring App with their own outdirs
    outdir = mkdtempSync(path.join(tmpdir(), 'mrf-'));
    const app = new App({ outdir });
    const monitoringApp = new App({ outdir: path.join(outdir, 'monitoring') });
    const mrf = new MultiRegionFailover(app, 'ai-failover', {
      monitoringApp,
      proxy: { monitoring: { scrape: MetricsScrape.serviceMonitor(), alerts: true } },
      regions: [
        { name: 'us', proxy: { upstreams: [us, eu] } },
        { name: 'eu', namespaceName: 'llm', proxy: { upstreams: [eu, us], monitoring: { dashboard: true } } },
      ],
    });
    // WHEN
    app.synth();
    monitoringApp.synth();
    // THEN only regions with CRD-backed objects get a monitoring file
    expect(readdirSync(outdir).sort()).toEqual(['eu.k8s.yaml', 'monitoring', 'us.k8s.yaml']);
    expect(readdirSync(path.join(outdir, 'monitoring'))).toEqual(['us.k8s.yaml']);
    expect(mrf.monitoringCharts.map((c) => c.node.id)).toEqual(['us']);
    const load = (file: string) => parseAllDocuments(readFileSync(path.join(outdir!, file), 'utf8')).map((d) => d.toJS());
    expect(load('monitoring/us.k8s.yaml').map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`))
      .toEqual(['ServiceMonitor/production/holysheep-ai-proxy', 'PrometheusRule/production/holysheep-ai-proxy']);
    const usObjects = load('us.k8s.yaml');
    expect(usObjects.map((o) => o.kind)).not.toContain('ServiceMonitor');
    expect(usObjects.find((o) => o.metadata.name === 'holysheep-ai-proxy-dashboard').metadata.labels).toEqual({ grafana_dashboard: '1' });
    expect(load('eu.k8s.yaml').some((o) => o.metadata.name === 'holysheep-ai-proxy-dashboard')).toBe(true);
  });

  it('keeps the CRD-backed objects in the region chart without monitoringApp', () => {
    // GIVEN / WHEN
    const app = new App({ outdir: tmpdir() });
    const mrf = new MultiRegionFailover(app, 'm', { regions: [{ name: 'a' }], proxy: { monitoring: { scrape: MetricsScrape.serviceMonitor() } } });
    // THEN
    expect(mrf.monitoringCharts).toEqual([]);
    expect(mrf.charts[0].toJson().some((o: any) => o.kind === 'ServiceMonitor')).toBe(true);
  });

  it('refuses the scope App as monitoringApp', () => {
    // GIVEN
    const app = new App({ outdir: tmpdir() });
    // WHEN / THEN
    expect(() => new MultiRegionFailover(app, 'm', { regions: [{ name: 'a' }], monitoringApp: app }))
      .toThrow("'monitoringApp' must be another App than the scope, with its own outdir (received the same App)");
  });

  it('exposes one chart and proxy per region', () => {
    // GIVEN / WHEN
    const app = new App({ outdir: tmpdir() });
    const mrf = new MultiRegionFailover(app, 'm', { regions: [{ name: 'a' }, { name: 'b' }], createNamespace: false });
    // THEN
    expect(mrf.charts.map((c) => c.node.id)).toEqual(['a', 'b']);
    expect(mrf.proxies).toHaveLength(2);
    expect(mrf.charts[0].toJson().some((o: any) => o.kind === 'Namespace')).toBe(false);
  });
});
