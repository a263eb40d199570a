/**
 * Internal: Kubernetes name and label syntax, checked at synth so that a bad
 * prop fails `cdk8s synth` naming the prop and the value instead of
 * `kubectl apply` failing later.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** Throws unless `value` is a DNS-1123 label of at most `maxLength` characters (namespaces, the `app` label). @internal */
export function checkDnsLabel(prop: string, value: string, maxLength = 63): string {
  if (value.length > maxLength || !DNS_LABEL.test(value)) {
    throw new Error(`'${prop}' must be a DNS label: at most ${maxLength} characters of a-z, 0-9 or "-", starting and ending with a letter or digit (received "${value}")`);
  }
  return value;
}

/** Throws unless `value` is a DNS-1035 label (Service names: starts with a letter, at most 63 characters). @internal */
export function checkServiceName(prop: string, value: string): string {
  if (value.length > 63 || !DNS_1035_LABEL.test(value)) {
    throw new Error(`'${prop}' must be a DNS-1035 label: at most 63 characters of a-z, 0-9 or "-", starting with a letter and ending with a letter or digit (received "${value}")`);
  }
  return value;
}

/** Throws unless `value` is a DNS-1123 subdomain (most object names: at most 253 characters). @internal */
export function checkDnsSubdomain(prop: string, value: string): string {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new Error(`'${prop}' must be a DNS subdomain: at most 253 characters of a-z, 0-9, "-" or ".", starting and ending with a letter or digit (received "${value}")`);
  }
  return value;
}

/** Throws unless `key` is a valid Secret / ConfigMap data key (at most 253 characters of alphanumerics, "-", "_", "."). @internal */
export function checkDataKey(prop: string, key: string): string {
  if (key.length > 253 || !DATA_KEY.test(key)) {
    throw new Error(`'${prop}' must be a data key: 1-253 characters of A-Z, a-z, 0-9, "-", "_" or "." (received "${key}")`);
  }
  return key;
}

/** Throws unless `value` is a valid label value (empty, or at most 63 characters of alphanumerics, "-", "_", "."). @internal */
export function checkLabelValue(prop: string, value: string): string {
  if (value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
    throw new Error(`'${prop}' must be a label value: at most 63 characters of A-Z, a-z, 0-9, "-", "_" or ".", starting and ending with an alphanumeric (received "${value}")`);
  }
  return value;
}

/** Throws unless `key` is a valid label key (`[prefix/]name`, prefix a DNS subdomain, name like a label value but non-empty). @internal */
export function checkLabelKey(prop: string, key: string): string {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new Error(`'${prop}' keys must be [prefix/]name: prefix a DNS subdomain, name at most 63 characters of A-Z, a-z, 0-9, "-", "_" or ".", starting and ending with an alphanumeric (received "${key}")`);
  }
  return key;
}
