import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FailoverPodMonitor } from './failover-pod-monitor';
import { FailoverServiceMonitor } from './failover-service-monitor';

/** What a {@link MetricsScrape} monitor selects and how it is labelled. @internal */
export interface ScrapeBinding {
  readonly selectorLabels: { [key: string]: string };
  readonly namespaceName?: string;
  readonly name?: string;
  readonly labels?: { [key: string]: string };
  /** The proxy's Service name: the `job` of ServiceMonitor-scraped series. */
  readonly serviceName?: string;
}

/** The monitor a {@link MetricsScrape} created, and the `job` label its series get. @internal */
export interface BoundScrape {
  readonly serviceMonitor?: FailoverServiceMonitor;
  readonly podMonitor?: FailoverPodMonitor;
  readonly job?: string;
}

/** Which Prometheus Operator monitor scrapes the proxy's metrics port. */
export enum MetricsScrapeKind {
  /** A ServiceMonitor on the proxy's Service. */
  SERVICE_MONITOR = 'service-monitor',
  /** A PodMonitor on the proxy's pods. */
  POD_MONITOR = 'pod-monitor',
}

/**
 * How Prometheus scrapes the proxy: one ServiceMonitor or one PodMonitor
 * (never both, which would scrape every series twice). Both need the
 * Prometheus Operator CRDs.
 *
 * Replaces the former `serviceMonitor: true` / `podMonitor: true` booleans:
 * write `scrape: MetricsScrape.serviceMonitor()` or `scrape: MetricsScrape.podMonitor()`.
 */
export class MetricsScrape {
  /**
   * A ServiceMonitor on the Service port named `metrics`; series get the
   * Service name as `job`.
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
   */
  public static serviceMonitor(): MetricsScrape {
    return new MetricsScrape(MetricsScrapeKind.SERVICE_MONITOR);
  }

  /**
   * A PodMonitor on the pods' `metrics` port (no Service needed); series get
   * `<namespace>/<monitor name>` as `job`, the Prometheus Operator's default.
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
   */
  public static podMonitor(): MetricsScrape {
    return new MetricsScrape(MetricsScrapeKind.POD_MONITOR);
  }

  private constructor(
    /** Which monitor this is (for inspection; the choice renders itself). */
    public readonly kind: MetricsScrapeKind,
  ) {}

  /** @internal creates the monitor as child `ServiceMonitor` or `PodMonitor` of `scope` */
  public _bind(scope: Construct, target: ScrapeBinding): BoundScrape {
    const props = { selectorLabels: target.selectorLabels, namespaceName: target.namespaceName, name: target.name, labels: target.labels };
    if (this.kind === MetricsScrapeKind.POD_MONITOR) {
      const podMonitor = new FailoverPodMonitor(scope, 'PodMonitor', props);
      const namespace = target.namespaceName ?? Chart.of(scope).namespace;
      return { podMonitor, job: namespace ? `${namespace}/${podMonitor.apiObject.name}` : undefined };
    }
    return { serviceMonitor: new FailoverServiceMonitor(scope, 'ServiceMonitor', props), job: target.serviceName };
  }
}
