/**
 * A tiny hand-written Deployment + Service + ConfigMap that exercises every
 * feature of the pod runner (gzipped binaryData unpacked by an init container
 * into an emptyDir, items/defaultMode, Secret and fieldRef env, named ports,
 * probes) with a 30-line node server instead of the proxy, so the harness can
 * be tested on its own, fast, whatever state the runtime is in.
 */
import { gzipSync } from 'node:zlib';
import { K8sObject } from './manifests';

/** The fixture server: listens on PORT (default: any free port) and METRICS_PORT, echoes what it sees on /health/ready, exits 0 on SIGTERM. */
const SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const config = fs.readFileSync(process.env.CONFIG_PATH, 'utf8');
const info = () => ({ config, secret: process.env.API_KEY, pod: process.env.POD_NAME, uid: process.getuid(), cwd: process.cwd(),
  port: process.env.PORT, bundleMode: (fs.statSync(__filename).mode & 0o777).toString(8), home: process.env.HOME, inherited: process.env.E2E_HOST_ONLY ?? null });
let ready = true;
const api = http.createServer((req, res) => {
  if (req.url === '/health/live') { res.end('ok'); return; }
  if (req.url === '/health/ready') { res.statusCode = ready ? 200 : 503; res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(info())); return; }
  res.statusCode = 404; res.end();
}).listen(Number(process.env.PORT ?? 0), '127.0.0.1');
const metrics = http.createServer((req, res) => res.end('fixture_up 1\\n')).listen(Number(process.env.METRICS_PORT ?? 9090), '127.0.0.1');
process.on('SIGTERM', () => { ready = false; api.close(); metrics.close(); api.closeAllConnections(); metrics.closeAllConnections(); });
`;

/** The init container's script: gunzip the bundle from the ConfigMap volume into the emptyDir. */
const UNPACK = 'const z=require("node:zlib"),f=require("node:fs");'
  + 'f.writeFileSync("/app/run/server.js",z.gunzipSync(f.readFileSync("/bundle/server.js.gz")),{mode:0o555})';

/** Manifests of the fixture pod (fresh objects on every call, safe to mutate). */
export function fixtureManifests(): K8sObject[] {
  const labels = { app: 'fixture' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'e2e' } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fixture-bundle', namespace: 'e2e' },
      immutable: true,
      binaryData: { 'server.js.gz': gzipSync(Buffer.from(SERVER)).toString('base64') },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fixture-config', namespace: 'e2e' },
      data: { 'config.yaml': 'greeting: hello\n', 'ignored.txt': 'not projected' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'fixture', namespace: 'e2e' },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 9090 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'fixture', namespace: 'e2e' },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
            terminationGracePeriodSeconds: 10,
            volumes: [
              { name: 'bundle', configMap: { name: 'fixture-bundle' } },
              { name: 'config', configMap: { name: 'fixture-config', items: [{ key: 'config.yaml', path: 'config.yaml' }], defaultMode: 0o440 } },
              { name: 'run', emptyDir: {} },
            ],
            initContainers: [{
              name: 'unpack',
              image: 'node:24.11.1-alpine3.22',
              command: ['node', '-e', UNPACK],
              volumeMounts: [{ name: 'bundle', mountPath: '/bundle', readOnly: true }, { name: 'run', mountPath: '/app/run' }],
            }],
            containers: [{
              name: 'server',
              image: 'node:24.11.1-alpine3.22',
              args: ['/app/run/server.js'],
              workingDir: '/app/run',
              ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }],
              env: [
                { name: 'PORT', value: '8080' },
                { name: 'METRICS_PORT', value: '9090' },
                { name: 'CONFIG_DIR', value: '/app/config' },
                { name: 'CONFIG_PATH', value: '$(CONFIG_DIR)/config.yaml' },
                { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'fixture-credentials', key: 'api-key' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              volumeMounts: [{ name: 'config', mountPath: '/app/config', readOnly: true }, { name: 'run', mountPath: '/app/run' }],
              livenessProbe: { httpGet: { path: '/health/live', port: 8080 }, timeoutSeconds: 1 },
              readinessProbe: { httpGet: { path: '/health/ready', port: 'http' }, timeoutSeconds: 1 },
            }],
          },
        },
      },
    },
  ] as K8sObject[];
}
