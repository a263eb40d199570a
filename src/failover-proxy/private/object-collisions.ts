/**
 * Internal: two FailoverProxy (or a proxy and any other object) in one chart
 * must not create objects of the same kind, namespace and name: `kubectl
 * apply` would silently let the later one win. Checked when a proxy is
 * created, naming the prop that gave the object its name.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/** The prop that names each direct child of a FailoverProxy (by id). */
const PROP_OF_CHILD: Record<string, string> = {
  Config: 'configMapName',
  Service: 'serviceName',
  Hpa: 'hpaName',
};

/** `kind/namespace/name` of an object, apiVersion group included (a Deployment is not a KEDA object). */
function keyOf(o: ApiObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.metadata.namespace ?? Chart.of(o).namespace ?? ''}/${o.name}`;
}

/** The prop that named `o`, an object of `proxy` (or of its monitoring scope): its own prop when set, else `name`. */
function propOf(proxy: Construct, o: ApiObject, explicitProps: ReadonlySet<string>): string {
  const top = o.node.scopes.find((s) => s.node.scope === proxy)?.node.id ?? '';
  if (top.startsWith('Secret-')) {
    return 'SecretKeyRef.fromLiteral secretName';
  }
  const prop = PROP_OF_CHILD[top];
  return prop !== undefined && explicitProps.has(prop) ? prop : 'name';
}

/**
 * Throws when an object of `proxy` (its own subtree and `extra` subtrees,
 * e.g. its objects in `monitoringScope`) has the kind, namespace and name of
 * another object in the same chart. `explicitProps` are the name props the
 * caller set (`serviceName`, `hpaName`, `configMapName`); the others derive
 * from `name`, which the message then names. @internal
 */
export function checkObjectNamesUnique(proxy: Construct, extra: ReadonlyArray<IConstruct | undefined>, explicitProps: ReadonlySet<string>): void {
  const roots = [proxy, ...extra.filter((c): c is IConstruct => c !== undefined)];
  const mine = new Set<ApiObject>(roots.flatMap((root) => root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)));
  const checkedCharts = new Set<Chart>();
  for (const own of mine) {
    const chart = Chart.of(own);
    if (checkedCharts.has(chart)) {
      continue;
    }
    checkedCharts.add(chart);
    const others = new Map<string, ApiObject>();
    for (const c of chart.node.findAll()) {
      if (c instanceof ApiObject && !mine.has(c)) {
        others.set(keyOf(c), c);
      }
    }
    for (const o of mine) {
      if (Chart.of(o) !== chart) {
        continue;
      }
      const other = others.get(keyOf(o));
      if (other) {
        const prop = propOf(proxy, o, explicitProps);
        const namespace = o.metadata.namespace ?? chart.namespace;
        throw new Error(`'${prop}' gives ${proxy.node.path}'s ${o.kind} the name of ${other.node.path}'s ${o.kind} "${o.name}"${namespace ? ` in namespace "${namespace}"` : ''}: give each FailoverProxy in a namespace its own 'name' (received "${o.name}")`);
      }
    }
  }
}
