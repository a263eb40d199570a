import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FailoverAlerts, FailoverAlertsProps } from './failover-alerts';
import { FailoverDashboard, FailoverDashboardProps } from './failover-dashboard';
import { FailoverPodMonitor } from './failover-pod-monitor';
import { FailoverServiceMonitor } from './failover-service-monitor';
import { MetricsScrape } from './metrics-scrape';
import { PrometheusAdapterRule, PrometheusAdapterRuleProps } from './prometheus-adapter-rule';

/**
 * What {@link FailoverMonitoring} emits, without the proxy's identity: the
 * shape a `FailoverProxy` prop can take. The CRD-backed parts (ServiceMonitor,
 * PodMonitor, PrometheusRule) are off unless asked for; the dashboard ConfigMap is on.
 */
export interface FailoverMonitoringOptions {
  /**
   * Labels on the ServiceMonitor and PrometheusRule so that the Prometheus
   * selectors pick them up, e.g. `{ release: 'kube-prometheus-stack' }`.
   * @default - none
   */
  readonly prometheusSelectorLabels?: { [key: string]: string };
  /**
   * How Prometheus scrapes the proxy: `MetricsScrape.serviceMonitor()` or
   * `MetricsScrape.podMonitor()` (both need the Prometheus Operator CRDs).
   * Replaces the former `serviceMonitor: true` / `podMonitor: true`.
   * @default - no ServiceMonitor or PodMonitor
   */
  readonly scrape?: MetricsScrape;
  /**
   * Emit the PrometheusRule (needs the Prometheus Operator CRDs).
   * @default false
   */
  readonly alerts?: boolean;
  /**
   * Alert thresholds; `namespaceName`, `job` and `labels` default to this construct's.
   * @default - the defaults of {@link FailoverAlertsProps}
   */
  readonly alertOptions?: FailoverAlertsProps;
  /**
   * Emit the Grafana dashboard ConfigMap.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * Dashboard options; `metricsNamespace` and `job` default to this construct's.
   * @default - the defaults of {@link FailoverDashboardProps}
   */
  readonly dashboardOptions?: FailoverDashboardProps;
  /**
   * Emit the prometheus-adapter rule ConfigMap that serves the HPA's Pods
   * metric `http_requests_per_second` (no CRD needed, but it belongs in the
   * adapter's namespace).
   * @default false
   */
  readonly prometheusAdapterRule?: boolean;
  /**
   * Adapter rule options; `metricsNamespace` defaults to this construct's namespace.
   * @default - the defaults of {@link PrometheusAdapterRuleProps}
   */
  readonly prometheusAdapterRuleOptions?: PrometheusAdapterRuleProps;
}

/**
 * Props of {@link FailoverMonitoring}.
 */
export interface FailoverMonitoringProps extends FailoverMonitoringOptions {
  /** Labels of the proxy's Service (and pods), e.g. `FailoverProxy.selectorLabels`. */
  readonly selectorLabels: { [key: string]: string };
  /**
   * Namespace of the proxy: where the ServiceMonitor and PrometheusRule go and
   * the `namespace` matcher of the queries.
   * @default - the chart's namespace (no matcher when the chart has none)
   */
  readonly namespaceName?: string;
  /**
   * Name of the proxy's Service; the ServiceMonitor's targets get it as `job`,
   * so it becomes the `job` matcher of the queries.
   * @default - no job matcher
   */
  readonly serviceName?: string;
  /**
   * Name of the ServiceMonitor / PodMonitor and of the PrometheusRule
   * (`alertOptions.name` wins for the rule).
   * @default - cdk8s-generated names
   */
  readonly name?: string;
}

/**
 * The proxy's observability in one place: ServiceMonitor (or PodMonitor), PrometheusRule,
 * Grafana dashboard and prometheus-adapter rule, each an opt-in child (`ServiceMonitor` or
 * `PodMonitor`, `Alerts`, `Dashboard`, `PrometheusAdapterRule`).
 */
export class FailoverMonitoring extends Construct {
  /** The ServiceMonitor, when enabled. */
  public readonly serviceMonitor?: FailoverServiceMonitor;
  /** The PodMonitor, when enabled. */
  public readonly podMonitor?: FailoverPodMonitor;
  /** The PrometheusRule, when enabled. */
  public readonly alerts?: FailoverAlerts;
  /** The dashboard ConfigMap, when enabled. */
  public readonly dashboard?: FailoverDashboard;
  /** The prometheus-adapter rule ConfigMap, when enabled. */
  public readonly prometheusAdapterRule?: PrometheusAdapterRule;
  /**
   * The `job` label of the scraped series, the job matcher of the alerts and the
   * dashboard: the Service name with a ServiceMonitor, `<namespace>/<name>`
   * with a PodMonitor (the Prometheus Operator's default job of a PodMonitor).
   */
  public readonly job?: string;

  public constructor(scope: Construct, id: string, props: FailoverMonitoringProps) {
    super(scope, id);
    const scraped = props.scrape?._bind(this, {
      selectorLabels: props.selectorLabels,
      namespaceName: props.namespaceName,
      name: props.name,
      labels: props.prometheusSelectorLabels,
      serviceName: props.serviceName,
    });
    this.serviceMonitor = scraped?.serviceMonitor;
    this.podMonitor = scraped?.podMonitor;
    this.job = scraped ? scraped.job : props.serviceName;
    if (props.alerts) {
      this.alerts = new FailoverAlerts(this, 'Alerts', {
        namespaceName: props.namespaceName,
        job: this.job,
        name: props.name,
        labels: props.prometheusSelectorLabels,
        ...props.alertOptions,
      });
    } else if (props.alertOptions) {
      throw new Error('\'alertOptions\' needs \'alerts: true\' (received alerts: ' + String(props.alerts) + ')');
    }
    if (props.dashboard ?? true) {
      this.dashboard = new FailoverDashboard(this, 'Dashboard', {
        metricsNamespace: props.namespaceName ?? Chart.of(this).namespace,
        job: this.job,
        ...props.dashboardOptions,
      });
    } else if (props.dashboardOptions) {
      throw new Error('\'dashboardOptions\' needs \'dashboard\' to be true (received dashboard: false)');
    }
    if (props.prometheusAdapterRule) {
      this.prometheusAdapterRule = new PrometheusAdapterRule(this, 'PrometheusAdapterRule', {
        metricsNamespace: props.namespaceName ?? Chart.of(this).namespace,
        ...props.prometheusAdapterRuleOptions,
      });
    } else if (props.prometheusAdapterRuleOptions) {
      throw new Error('\'prometheusAdapterRuleOptions\' needs \'prometheusAdapterRule: true\' (received prometheusAdapterRule: ' + String(props.prometheusAdapterRule) + ')');
    }
  }
}
