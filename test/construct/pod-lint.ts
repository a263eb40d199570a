/**
 * The pod checks kube-score / Polaris / kube-linter apply to any Deployment,
 * written once for the proxy's (best-practice.test.ts) and the deployed
 * Redis's (shared-state-redis-hardening.test.ts).
 */
import type { Manifest } from './helpers';

/** The probe's handler (what it runs), for telling liveness and readiness apart. */
function handlerOf(probe: any): string {
  return JSON.stringify(probe.httpGet ?? probe.exec ?? probe.tcpSocket ?? probe.grpc);
}

/**
 * Every finding for a Deployment's pod template (empty when clean): non-root
 * uid/gid >= 10000, no token automount, its own ServiceAccount; per container
 * (init containers included) a read-only root, no privilege escalation or
 * privileged mode, all capabilities dropped, RuntimeDefault seccomp, requests
 * and limits for CPU, memory and ephemeral storage, a pinned image; per
 * long-running container a liveness and a different readiness probe.
 */
export function podFindings(deployment: Manifest): string[] {
  const findings: string[] = [];
  const pod = deployment.spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) findings.push('pod: runAsNonRoot');
  if (!(pod.securityContext?.runAsUser >= 10000) || !(pod.securityContext?.runAsGroup >= 10000)) findings.push('pod: uid/gid below 10000');
  if (pod.automountServiceAccountToken !== false) findings.push('pod: service account token mounted');
  if (!pod.serviceAccountName || pod.serviceAccountName === 'default') findings.push('pod: default service account');
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const sc = c.securityContext ?? {};
    if (sc.readOnlyRootFilesystem !== true) findings.push(`${c.name}: writable root filesystem`);
    if (sc.allowPrivilegeEscalation !== false) findings.push(`${c.name}: privilege escalation`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) findings.push(`${c.name}: capabilities not dropped`);
    if ((sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type !== 'RuntimeDefault') findings.push(`${c.name}: seccomp`);
    if (sc.privileged === true) findings.push(`${c.name}: privileged`);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory', 'ephemeral-storage']) {
        if (!c.resources?.[kind]?.[resource]) findings.push(`${c.name}: no ${resource} ${kind}`);
      }
    }
    const tag = c.image.split('/').pop().split(':')[1];
    if (!c.image.includes('@sha256:') && (!tag || tag === 'latest')) findings.push(`${c.name}: unpinned image ${c.image}`);
  }
  for (const c of pod.containers) {
    if (!c.livenessProbe || !c.readinessProbe) findings.push(`${c.name}: missing probe`);
    else if (handlerOf(c.livenessProbe) === handlerOf(c.readinessProbe)) findings.push(`${c.name}: identical liveness and readiness probes`);
  }
  return findings;
}

/** True when `selector` selects the Deployment's pods. */
export function selectsPods(deployment: Manifest, selector: Record<string, string>): boolean {
  const podLabels = deployment.spec.template.metadata.labels;
  return Object.entries(selector).every(([k, v]) => podLabels[k] === v);
}
