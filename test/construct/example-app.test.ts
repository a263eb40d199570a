import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { productionExample } from '../../example/production';
import { FailoverAlerts } from '../../src';

/** apiVersion/kind a cluster serves without any CRD. */
const BUILT_IN = new Set([
  'v1/Namespace', 'v1/ConfigMap', 'v1/Secret', 'v1/Service', 'v1/ServiceAccount', 'apps/v1/Deployment',
  'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget', 'networking.k8s.io/v1/NetworkPolicy',
]);
const REGIONS = ['asia-pacific', 'eu', 'us'];
const ROOT = path.join(__dirname, '..', '..');

/** The objects of one synthesized file. */
function load(file: string): any[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
}

describe('example apps', () => {
  let outdir: string | undefined;
  afterEach(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
    outdir = undefined;
  });

  it('production example: region files apply on a plain cluster, monitoring files hold the rest', () => {
    // GIVEN the example's two apps writing to a temporary dist/
    outdir = mkdtempSync(path.join(tmpdir(), 'example-'));
    const app = new App({ outdir });
    const monitoringApp = new App({ outdir: path.join(outdir, 'monitoring') });
    // WHEN
    productionExample(app, monitoringApp);
    app.synth();
    monitoringApp.synth();
    // THEN one file per region at the top, each starting with its Namespace, built-in kinds in it only
    expect(readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).sort()).toEqual(REGIONS.map((r) => `${r}.k8s.yaml`));
    expect(readdirSync(path.join(outdir, 'monitoring')).sort()).toEqual(REGIONS.map((r) => `${r}.k8s.yaml`));
    for (const region of REGIONS) {
      const main = load(path.join(outdir, `${region}.k8s.yaml`));
      expect(main[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'production' } });
      expect(main.filter((o) => !BUILT_IN.has(`${o.apiVersion}/${o.kind}`))).toEqual([]);
      expect(main.slice(1).every((o) => o.metadata.namespace === 'production')).toBe(true);
      const names = main.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(names).toEqual(expect.arrayContaining([
        'Deployment/holysheep-ai-proxy', 'Service/holysheep-ai-service', 'HorizontalPodAutoscaler/holysheep-ai-hpa',
        'ConfigMap/holysheep-config', 'ConfigMap/holysheep-ai-proxy-dashboard',
      ]));
      // and the monitoring file holds the ServiceMonitor, the alerts and the adapter rule
      const monitoring = load(path.join(outdir, 'monitoring', `${region}.k8s.yaml`));
      expect(monitoring.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        'ServiceMonitor/production/holysheep-ai-proxy',
        'PrometheusRule/production/holysheep-ai-proxy',
        'ConfigMap/monitoring/holysheep-ai-proxy-adapter-rules',
      ]);
      const rule = monitoring.find((o) => o.kind === 'PrometheusRule');
      expect(rule.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
      expect(rule.spec.groups[0].name).toBe(FailoverAlerts.GROUP_NAME);
    }
  });

  it('quick start: synthesizes one file per region with the Secret references it names', () => {
    // GIVEN the README's quick start writing to a temporary outdir
    outdir = mkdtempSync(path.join(tmpdir(), 'quick-start-'));
    // WHEN it runs as a user runs it
    execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'example', 'quick-start.ts')], {
      cwd: ROOT, stdio: 'pipe', timeout: 30_000, env: { ...process.env, CDK8S_OUTDIR: outdir },
    });
    // THEN
    expect(readdirSync(outdir).sort()).toEqual(['asia-pacific.k8s.yaml', 'us.k8s.yaml']);
    const deployment = load(path.join(outdir, 'us.k8s.yaml')).find((o) => o.kind === 'Deployment');
    const refs = deployment.spec.template.spec.containers[0].env
      .filter((e: any) => e.valueFrom)
      .map((e: any) => `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`)
      .sort();
    expect(refs).toEqual(['holysheep-credentials/api-key', 'openai-credentials/api-key', 'proxy-client-keys/keys']);
  });
});
