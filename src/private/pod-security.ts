/** Internal: the hardened security contexts of the pods this library runs (the proxy's, the deployed Redis's). */
import * as kplus from 'cdk8s-plus-28';
import { RUNTIME_USER } from '../contract';

/** The uid and gid a pod runs as (non-root, >= 10000). @internal */
export interface PodUser {
  readonly uid: number;
  readonly gid: number;
}

/** Non-root uid/gid >= 10000 (the proxy's unless `user`), read-only root FS, no privilege escalation, no capabilities, RuntimeDefault seccomp. @internal */
export function containerSecurityContext(user: PodUser = RUNTIME_USER): kplus.k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod-level counterpart of {@link containerSecurityContext}. @internal */
export function podSecurityContext(user: PodUser = RUNTIME_USER): kplus.k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    fsGroup: user.gid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
