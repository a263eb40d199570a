/**
 * The default example app behind `npm run synth`: the seed's setup deployed
 * to three regions (Asia-Pacific, US, EU), each preferring its nearest
 * HolySheep region. Writes dist/<region>.k8s.yaml, one file per region.
 */
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { HolySheepRegion, MultiRegionFailover, Upstream } from '../src';

const outdir = path.join(__dirname, '..', 'dist');

/** Removes manifests of a previous run so that no stale region file survives. */
function clearStaleManifests(dir: string): void {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  for (const file of files.filter((f) => f.endsWith('.k8s.yaml'))) {
    rmSync(path.join(dir, file));
  }
}

const ap = Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC);
const us = Upstream.holySheep(HolySheepRegion.US);
const eu = Upstream.holySheep(HolySheepRegion.EU);

clearStaleManifests(outdir);
const app = new App({ outdir });
new MultiRegionFailover(app, 'ai-failover', {
  namespaceName: 'production',
  regions: [
    { name: 'asia-pacific', proxy: { upstreams: [ap, us, eu] } },
    { name: 'us', proxy: { upstreams: [us, eu, ap] } },
    { name: 'eu', proxy: { upstreams: [eu, us, ap] } },
  ],
});
app.synth();
console.log(`synth: wrote ${readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).sort().join(', ')} to ${outdir}`);
