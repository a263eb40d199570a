/**
 * The README's "Quick start", compile-checked: two regions, each preferring
 * its nearest HolySheep region, with OpenAI as last resort under its own key.
 * In a project, import from 'cdk8s-ai-failover' instead of '../src'.
 */
import { App } from 'cdk8s';
import { HolySheepRegion, MultiRegionFailover, SecretKeyRef, Upstream } from '../src';

const app = new App(); // writes to dist/ (or $CDK8S_OUTDIR)

const ap = Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC);
const us = Upstream.holySheep(HolySheepRegion.US);
const openAi = Upstream.openAi({
  apiKey: SecretKeyRef.fromSecret('openai-credentials', 'api-key'),
  models: ['gpt-4.1'],
});

new MultiRegionFailover(app, 'ai-failover', {
  namespaceName: 'production',
  proxy: {
    // default API key of the HolySheep upstreams: Secret holysheep-credentials, key api-key
    apiKey: SecretKeyRef.fromSecret('holysheep-credentials', 'api-key'),
    // callers must send `Authorization: Bearer <one of these comma-separated keys>`
    clientKeys: SecretKeyRef.fromSecret('proxy-client-keys', 'keys'),
  },
  regions: [
    { name: 'asia-pacific', proxy: { upstreams: [ap, us, openAi] } },
    { name: 'us', proxy: { upstreams: [us, ap, openAi] } },
  ],
});

app.synth(); // dist/asia-pacific.k8s.yaml, dist/us.k8s.yaml
