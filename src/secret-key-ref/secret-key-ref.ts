import { checkDataKey, checkDnsSubdomain } from '../private/k8s-names';

/**
 * A reference to one key of a Kubernetes Secret.
 *
 * The library never writes a credential into a manifest by itself: use
 * {@link SecretKeyRef.fromSecret} for a Secret that already exists in the
 * namespace (`kubectl create secret generic ...`). Only
 * {@link SecretKeyRef.fromLiteral} puts a value into the output, and then only
 * into a Secret object the construct creates.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
 */
export class SecretKeyRef {
  /**
   * A key of an existing Secret.
   * @param secretName name of the Secret in the proxy's namespace
   * @param key key inside the Secret's data
   */
  public static fromSecret(secretName: string, key: string): SecretKeyRef {
    return new SecretKeyRef(secretName, key, undefined);
  }

  /**
   * A value passed explicitly by the caller. The construct renders it into a
   * Secret named `secretName` (never into env or the ConfigMap). Prefer
   * {@link SecretKeyRef.fromSecret}: a literal ends up in the synthesized YAML.
   */
  public static fromLiteral(secretName: string, key: string, value: string): SecretKeyRef {
    if (value.length === 0) {
      throw new Error(`secret literal for '${secretName}/${key}' must not be empty (received "")`);
    }
    return new SecretKeyRef(secretName, key, value);
  }

  /** Name of the Secret. */
  public readonly secretName: string;
  /** Key in the Secret's data. */
  public readonly key: string;
  /** @internal the explicit value, when the construct must create the Secret */
  public readonly _literal?: string;

  private constructor(secretName: string, key: string, literal: string | undefined) {
    checkDnsSubdomain('secretName', secretName);
    checkDataKey('key', key);
    this.secretName = secretName;
    this.key = key;
    this._literal = literal;
  }

  /** @internal true when both refer to the same Secret key */
  public _sameKeyAs(other: SecretKeyRef): boolean {
    return this.secretName === other.secretName && this.key === other.key;
  }
}
