/**
 * Checks the synthesized manifests the way kube-score / Polaris / kube-linter
 * would, for the default and a customized deployment.
 */
import { describe, expect, it } from 'vitest';
import { find, Manifest, synthProxy } from './helpers';
import { podFindings, selectsPods } from './pod-lint';
import { Autoscaling, ProxyRuntime } from '../../src';

/** Every best-practice finding for one proxy's manifests (empty when clean). */
function lint(manifests: Manifest[]): string[] {
  const findings: string[] = [];
  const deployment = find(manifests, 'Deployment');
  const pod = deployment.spec.template.spec;
  const selects = (selector: Record<string, string>) => selectsPods(deployment, selector);
  findings.push(...podFindings(deployment));
  if (!pod.affinity?.podAntiAffinity && !pod.topologySpreadConstraints) findings.push('pod: no zone spread');
  if (pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution) findings.push('pod: required anti-affinity');

  const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler');
  const minReplicas = hpa ? hpa.spec.minReplicas : deployment.spec.replicas;
  if (hpa) {
    if (deployment.spec.replicas !== undefined) findings.push('deployment: replicas set while an HPA owns them');
    if (hpa.spec.minReplicas < 2) findings.push('hpa: minReplicas below 2');
    if (hpa.spec.scaleTargetRef.name !== deployment.metadata.name || hpa.spec.scaleTargetRef.kind !== 'Deployment') findings.push('hpa: wrong target');
  }
  const pdb = manifests.find((m) => m.kind === 'PodDisruptionBudget');
  if (!pdb) {findings.push('pdb: missing');} else {
    if (!selects(pdb.spec.selector.matchLabels)) findings.push('pdb: does not select the pods');
    if (pdb.spec.minAvailable !== undefined && pdb.spec.minAvailable >= minReplicas) findings.push('pdb: blocks all evictions');
    if (pdb.spec.maxUnavailable !== undefined && pdb.spec.maxUnavailable < 1) findings.push('pdb: maxUnavailable below 1');
  }
  const policy = manifests.find((m) => m.kind === 'NetworkPolicy');
  if (!policy || !selects(policy.spec.podSelector.matchLabels)) findings.push('networkpolicy: does not select the pods');
  for (const service of manifests.filter((m) => m.kind === 'Service')) {
    if (!selects(service.spec.selector)) findings.push(`service ${service.metadata.name}: selector does not match pod labels`);
    const portNames = pod.containers.flatMap((c: any) => c.ports.map((p: any) => p.name));
    for (const port of service.spec.ports) {
      if (typeof port.targetPort === 'string' && !portNames.includes(port.targetPort)) findings.push(`service: unknown targetPort ${port.targetPort}`);
    }
  }
  const graceNeeded = 5 + 25;
  if (!(pod.terminationGracePeriodSeconds > graceNeeded)) findings.push('pod: grace period not above shutdown delay + drain');
  return findings;
}

describe('best practices (kube-score / Polaris / kube-linter style)', () => {
  it('finds nothing in the default deployment', () => {
    // GIVEN
    const { manifests } = synthProxy();
    // WHEN
    const findings = lint(manifests);
    // THEN
    expect(findings).toEqual([]);
  });

  it('finds nothing with fixed replicas in image mode', () => {
    // GIVEN
    const { manifests } = synthProxy({ autoscaling: Autoscaling.fixedReplicas(2), runtime: ProxyRuntime.fromImage('registry.example/proxy@sha256:' + 'a'.repeat(64)) });
    // WHEN
    const findings = lint(manifests);
    // THEN
    expect(findings).toEqual([]);
  });

  it('reports the playbook\'s weak spots (the linter can fail)', () => {
    // GIVEN the playbook's deployment shape: latest image, no security context, replicas next to an HPA
    const { manifests } = synthProxy();
    const playbookLike = JSON.parse(JSON.stringify(manifests)) as Manifest[];
    const deployment = find(playbookLike, 'Deployment');
    deployment.spec.replicas = 3;
    delete deployment.spec.template.spec.securityContext;
    delete deployment.spec.template.spec.initContainers;
    deployment.spec.template.spec.containers[0].image = 'holysheep/proxy:latest';
    delete deployment.spec.template.spec.containers[0].securityContext;
    // WHEN
    const findings = lint(playbookLike.filter((m) => m.kind !== 'PodDisruptionBudget'));
    // THEN
    expect(findings).toEqual(expect.arrayContaining([
      'pod: runAsNonRoot', 'ai-proxy: writable root filesystem', 'ai-proxy: unpinned image holysheep/proxy:latest',
      'deployment: replicas set while an HPA owns them', 'pdb: missing',
    ]));
  });
});
