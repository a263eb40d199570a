import { App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FailoverProxy } from '../failover-proxy/failover-proxy';
import { FailoverProxyProps } from '../failover-proxy/failover-proxy-props';
import { checkDnsLabel } from '../private/k8s-names';

/** One region (one cluster) of a {@link MultiRegionFailover}. */
export interface FailoverRegion {
  /**
   * Region name: the chart id and the output file name (`<name>.k8s.yaml`).
   * A DNS label such as `asia-pacific`.
   */
  readonly name: string;
  /**
   * Namespace of every object in this region.
   * @default - the MultiRegionFailover's `namespaceName`
   */
  readonly namespaceName?: string;
  /**
   * Props of this region's proxy; its `upstreams` should list the nearest
   * provider region first. Replaces the shared `proxy` props field by field.
   * @default - the shared `proxy` props
   */
  readonly proxy?: FailoverProxyProps;
}

/** Props of {@link MultiRegionFailover}. */
export interface MultiRegionFailoverProps {
  /** The regions; one chart (one YAML file) each. */
  readonly regions: FailoverRegion[];
  /**
   * Namespace used by regions that set none.
   * @default 'production'
   */
  readonly namespaceName?: string;
  /**
   * Props shared by every region's proxy.
   * @default - FailoverProxy defaults
   */
  readonly proxy?: FailoverProxyProps;
  /**
   * Create the Namespace object at the top of every chart.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * App that receives, per region, a chart of the same name and namespace
   * holding the objects that need CRDs or live in another namespace
   * (ServiceMonitor / PodMonitor, PrometheusRule, KEDA ScaledObject,
   * prometheus-adapter rule), so that `kubectl apply -f` of the region files
   * works on a cluster without Prometheus Operator or KEDA. Give it its own
   * `outdir` (e.g. `dist/monitoring`). A region whose proxy emits none of those
   * objects gets no chart there.
   * @default - those objects go into the region's chart
   */
  readonly monitoringApp?: App;
}

/**
 * The multi-region deployment: one Chart per region, added to the app under
 * the region's name so that `app.synth()` writes `<region>.k8s.yaml`, each
 * starting with its Namespace and holding one {@link FailoverProxy}. With
 * `monitoringApp`, the CRD-backed objects of each region go to a chart of the
 * same name in that App (a second file per region, applied once the CRDs exist).
 */
export class MultiRegionFailover extends Construct {
  /** The region charts, in the order given. */
  public readonly charts: Chart[];
  /** The region proxies, in the order given. */
  public readonly proxies: FailoverProxy[];
  /**
   * The per-region charts in `monitoringApp`, in region order, only for regions
   * that emit CRD-backed or cross-namespace objects (empty without `monitoringApp`).
   */
  public readonly monitoringCharts: Chart[];

  constructor(scope: App, id: string, props: MultiRegionFailoverProps) {
    super(scope, id);
    if (props.regions.length === 0) {
      throw new Error('\'regions\' must contain at least one region (received [])');
    }
    const names = new Set<string>();
    this.charts = [];
    this.proxies = [];
    this.monitoringCharts = [];
    if (props.monitoringApp === scope) {
      throw new Error('\'monitoringApp\' must be another App than the scope, with its own outdir (received the same App)');
    }
    for (const region of props.regions) {
      checkDnsLabel('regions.name', region.name);
      if (names.has(region.name)) {
        throw new Error(`'regions' must have unique names (received "${region.name}" twice)`);
      }
      names.add(region.name);
      const namespace = region.namespaceName ?? props.namespaceName ?? 'production';
      checkDnsLabel(region.namespaceName !== undefined ? `regions.${region.name}.namespaceName` : 'namespaceName', namespace);
      // the chart is a child of the app so that its file is named after the region alone
      const chart = new Chart(scope, region.name, { namespace, disableResourceNameHashes: true });
      if (props.createNamespace ?? true) {
        const ns = new kplus.k8s.KubeNamespace(chart, 'Namespace', { metadata: { name: namespace } });
        // a Namespace is cluster-scoped: drop the namespace the chart stamps on every object
        ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
      const monitoringChart = props.monitoringApp
        ? new Chart(props.monitoringApp, region.name, { namespace, disableResourceNameHashes: true })
        : undefined;
      const proxyProps: FailoverProxyProps = { ...(props.proxy ?? {}), ...(region.proxy ?? {}) };
      const proxy = new FailoverProxy(chart, 'Proxy', monitoringChart ? { ...proxyProps, monitoringScope: monitoringChart } : proxyProps);
      this.charts.push(chart);
      this.proxies.push(proxy);
      if (monitoringChart) {
        if (monitoringChart.node.children.length > 0) {
          this.monitoringCharts.push(monitoringChart);
        } else {
          props.monitoringApp!.node.tryRemoveChild(region.name);
        }
      }
    }
  }
}
