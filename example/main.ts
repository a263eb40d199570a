/**
 * The default example app behind `npm run synth` (see example/production.ts).
 *
 * Writes dist/<region>.k8s.yaml (one file per region, applies on a plain
 * cluster: Namespace, proxy, HPA, Grafana dashboard ConfigMap) and
 * dist/monitoring/<region>.k8s.yaml (ServiceMonitor, PrometheusRule alerts,
 * prometheus-adapter rule: apply once Prometheus Operator is installed).
 */
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { productionExample } from './production';

const outdir = path.join(__dirname, '..', 'dist');
const monitoringOutdir = path.join(outdir, 'monitoring');

/** The `.k8s.yaml` files of `dir`, sorted (none when `dir` does not exist). */
function manifestFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort();
  } catch {
    return [];
  }
}

// remove manifests of a previous run so that no stale region file survives
for (const dir of [outdir, monitoringOutdir]) {
  for (const file of manifestFiles(dir)) {
    rmSync(path.join(dir, file));
  }
}
const app = new App({ outdir });
const monitoringApp = new App({ outdir: monitoringOutdir });
productionExample(app, monitoringApp);
app.synth();
monitoringApp.synth();
console.log(`synth: wrote ${manifestFiles(outdir).join(', ')} to ${outdir}`);
console.log(`synth: wrote ${manifestFiles(monitoringOutdir).join(', ')} to ${monitoringOutdir}`);
