/**
 * Internal: the `caBundle` prop in the pod. The Secret key is mounted as a
 * file that config.yaml names (`egress.caBundlePath`), so that the proxy adds
 * those CAs to the roots it trusts for upstream TLS.
 */
import * as kplus from 'cdk8s-plus-28';
import { SecretKeyRef } from '../../secret-key-ref/secret-key-ref';

const CA_MOUNT_DIR = '/app/ca';
const CA_FILE_NAME = 'ca.pem';
const VOLUME_NAME = 'ca-bundle';

/** Path of the mounted CA bundle in the proxy container. @internal */
export const CA_BUNDLE_PATH = `${CA_MOUNT_DIR}/${CA_FILE_NAME}`;

/** The Secret volume holding only the bundle's key, and its read-only mount. @internal */
export function caBundleVolume(ref: SecretKeyRef): { volume: kplus.k8s.Volume; mount: kplus.k8s.VolumeMount } {
  return {
    volume: { name: VOLUME_NAME, secret: { secretName: ref.secretName, items: [{ key: ref.key, path: CA_FILE_NAME }] } },
    mount: { name: VOLUME_NAME, mountPath: CA_MOUNT_DIR, readOnly: true },
  };
}
