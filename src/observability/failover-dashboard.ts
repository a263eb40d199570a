import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { dashboardModel } from './dashboard-json';
import { objectMeta } from './object-meta';
import { checkDuration, promDuration, seriesMatchers } from './promql';

/**
 * Props of {@link FailoverDashboard}.
 */
export interface FailoverDashboardProps {
  /**
   * Namespace of the ConfigMap; the Grafana sidecar must watch it. Not a query matcher
   * (see `metricsNamespace`).
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * `namespace` matcher of every query (the proxy's namespace).
   * @default - no namespace matcher
   */
  readonly metricsNamespace?: string;
  /**
   * `job` matcher of every query (a ServiceMonitor sets it to the Service name).
   * @default - no job matcher
   */
  readonly job?: string;
  /**
   * Name of the ConfigMap.
   * @default - a cdk8s-generated name
   */
  readonly name?: string;
  /**
   * Dashboard uid (at most 40 characters: letters, digits, `-`, `_`).
   * @default 'ai-failover-proxy'
   */
  readonly uid?: string;
  /**
   * Dashboard title.
   * @default 'AI failover proxy'
   */
  readonly title?: string;
  /**
   * Uid of the Prometheus datasource.
   * @default - a `DS_PROMETHEUS` datasource variable the viewer picks
   */
  readonly datasourceUid?: string;
  /**
   * Auto-refresh interval (at least 5s).
   * @default Duration.seconds(30)
   */
  readonly refresh?: Duration;
  /**
   * Label the Grafana sidecar selects dashboards by (`sidecar.dashboards.label`).
   * @default 'grafana_dashboard'
   */
  readonly sidecarLabel?: string;
  /**
   * Value of `sidecarLabel` (`sidecar.dashboards.labelValue`).
   * @default '1'
   */
  readonly sidecarLabelValue?: string;
  /**
   * Grafana folder (`grafana_folder` annotation, honoured when the sidecar's
   * `folderAnnotation` is set to it).
   * @default - no folder annotation
   */
  readonly folder?: string;
}

/**
 * A Grafana dashboard for the proxy, as JSON in a ConfigMap labelled for the
 * Grafana sidecar (`grafana_dashboard: "1"`): traffic by upstream, breaker
 * states, failovers, latency p50/p99 and proxy overhead, time to first token,
 * tokens and cost by model, rate-limited requests.
 *
 * @see https://github.com/grafana/helm-charts/tree/main/charts/grafana#sidecar-for-dashboards
 */
export class FailoverDashboard extends Construct {
  /** Data key of the dashboard JSON in the ConfigMap. */
  public static readonly DATA_KEY = 'ai-failover-proxy.json';
  /** The generated ConfigMap. */
  public readonly apiObject: ApiObject;
  /** Dashboard uid. */
  public readonly uid: string;
  /** The dashboard JSON (as stored in the ConfigMap). */
  public readonly dashboardJson: string;

  public constructor(scope: Construct, id: string, props: FailoverDashboardProps = {}) {
    super(scope, id);
    this.uid = props.uid ?? 'ai-failover-proxy';
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(this.uid)) {
      throw new Error(`'uid' must be 1-40 letters, digits, '-' or '_' (received '${this.uid}')`);
    }
    const refresh = checkDuration('refresh', props.refresh ?? Duration.seconds(30), 5);
    const title = props.title ?? 'AI failover proxy';
    if (title.trim() === '') {
      throw new Error(`'title' must not be empty (received '${title}')`);
    }
    const model = dashboardModel({
      uid: this.uid,
      title,
      matchers: seriesMatchers(props.metricsNamespace, props.job),
      datasourceUid: props.datasourceUid,
      refresh: promDuration(refresh),
    });
    this.dashboardJson = JSON.stringify(model, undefined, 2);
    this.apiObject = new kplus.k8s.KubeConfigMap(this, 'Resource', {
      metadata: objectMeta({
        name: props.name,
        namespace: props.namespaceName,
        labels: { [props.sidecarLabel ?? 'grafana_dashboard']: props.sidecarLabelValue ?? '1' },
        annotations: props.folder ? { grafana_folder: props.folder } : undefined,
      }),
      data: { [FailoverDashboard.DATA_KEY]: this.dashboardJson },
    });
  }
}
