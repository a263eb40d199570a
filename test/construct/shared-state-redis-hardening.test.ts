/**
 * The deployed Redis checked the way kube-score / Polaris / kube-linter
 * would (the same checks as best-practice.test.ts applies to the proxy).
 */
import { describe, expect, it } from 'vitest';
import { find, Manifest, synthProxy } from './helpers';
import { podFindings, selectsPods } from './pod-lint';
import { SecretKeyRef, SharedState } from '../../src';

const REDIS = 'holysheep-ai-proxy-redis';

/** Every finding for the Redis Deployment and its Service (empty when clean). */
function lintRedis(manifests: Manifest[]): string[] {
  const findings: string[] = [];
  const deployment = find(manifests, 'Deployment', REDIS);
  const pod = deployment.spec.template.spec;
  const selects = (selector: Record<string, string>) => selectsPods(deployment, selector);
  findings.push(...podFindings(deployment));
  for (const c of pod.containers) {
    // a read-only root needs a writable /data (Redis's working directory)
    const data = (c.volumeMounts ?? []).find((m: any) => m.mountPath === '/data');
    const volume = pod.volumes?.find((v: any) => v.name === data?.name);
    if (!volume?.emptyDir) findings.push(`${c.name}: no emptyDir at /data`);
    if ((c.args ?? []).join(' ').includes('--appendonly yes')) findings.push(`${c.name}: persistence on`);
  }
  const policy = find(manifests, 'NetworkPolicy', REDIS);
  if (!selects(policy.spec.podSelector.matchLabels)) findings.push('networkpolicy: does not select the Redis pod');
  if ((policy.spec.ingress ?? []).some((rule: any) => !rule.from || rule.from.length === 0)) findings.push('networkpolicy: ingress from anywhere');
  const service = find(manifests, 'Service', REDIS);
  if (!selects(service.spec.selector)) findings.push('service: selector does not match the Redis pod');
  return findings;
}

describe('the deployed Redis passes the best-practice checks', () => {
  const redisManifests = () => synthProxy({ sharedState: SharedState.deployRedis({ password: SecretKeyRef.fromSecret('redis-auth', 'password') }) }).manifests;

  it('finds nothing in the default Redis', () => {
    // GIVEN / WHEN
    const findings = lintRedis(redisManifests());
    // THEN
    expect(findings).toEqual([]);
  });

  it('reports a weakened Redis (the checks can fail)', () => {
    // GIVEN the Redis with its hardening removed
    const weakened = JSON.parse(JSON.stringify(redisManifests())) as Manifest[];
    const pod = find(weakened, 'Deployment', REDIS).spec.template.spec;
    delete pod.securityContext;
    delete pod.containers[0].securityContext;
    pod.containers[0].image = 'redis:latest';
    delete pod.containers[0].readinessProbe;
    find(weakened, 'NetworkPolicy', REDIS).spec.ingress = [{ ports: [{ port: 6379 }] }];
    // WHEN
    const findings = lintRedis(weakened);
    // THEN
    expect(findings).toEqual(expect.arrayContaining([
      'pod: runAsNonRoot', 'redis: writable root filesystem', 'redis: unpinned image redis:latest', 'redis: missing probe', 'networkpolicy: ingress from anywhere',
    ]));
  });
});
