/** Internal: the hardened security contexts and resource requirements of the proxy's pod. */
import * as kplus from 'cdk8s-plus-28';
import { RUNTIME_USER } from './contract';

/** Non-root uid/gid >= 10000, read-only root FS, no privilege escalation, no capabilities, RuntimeDefault seccomp. @internal */
export function containerSecurityContext(): kplus.k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUNTIME_USER.uid,
    runAsGroup: RUNTIME_USER.gid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod-level counterpart of {@link containerSecurityContext}. @internal */
export function podSecurityContext(): kplus.k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUNTIME_USER.uid,
    runAsGroup: RUNTIME_USER.gid,
    fsGroup: RUNTIME_USER.gid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Requests and limits, CPU in millicores, memory and ephemeral storage in MiB
 * (rendered as Gi when whole: the seed's `1Gi`). @internal
 */
export function resourceRequirements(
  cpuReq: number, cpuLim: number, memReq: number, memLim: number, ephReq: number, ephLim: number,
): kplus.k8s.ResourceRequirements {
  const q = kplus.k8s.Quantity.fromString;
  const mib = (value: number) => q(value % 1024 === 0 ? `${value / 1024}Gi` : `${value}Mi`);
  return {
    requests: { 'cpu': q(`${cpuReq}m`), 'memory': mib(memReq), 'ephemeral-storage': mib(ephReq) },
    limits: { 'cpu': q(`${cpuLim}m`), 'memory': mib(memLim), 'ephemeral-storage': mib(ephLim) },
  };
}
