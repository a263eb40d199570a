/** Internal: the hardened security contexts of the proxy's pod and containers. */
import * as kplus from 'cdk8s-plus-28';
import { RUNTIME_USER } from '../contract';

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
