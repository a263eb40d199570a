import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PATHS } from '../contract';
import { promDuration } from './promql';
import { scrapeTarget } from './scrape-target';
import * as mon from '../imports/monitoring.coreos.com';

/**
 * Props of {@link FailoverPodMonitor}, and the fields {@link FailoverServiceMonitorProps}
 * shares with it.
 */
export interface FailoverPodMonitorProps {
  /**
   * Labels of what the monitor selects: the proxy's pods (PodMonitor) or its Service
   * (ServiceMonitor), e.g. `FailoverProxy.selectorLabels`, which both carry.
   */
  readonly selectorLabels: { [key: string]: string };
  /**
   * Namespace of the monitor and of the pods or Service it watches.
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * Name of the monitor.
   * @default - a cdk8s-generated name
   */
  readonly name?: string;
  /**
   * Extra labels on the monitor, e.g. `{ release: 'kube-prometheus-stack' }` so that the
   * Prometheus `podMonitorSelector` / `serviceMonitorSelector` picks it up.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Name of the container port (PodMonitor) or Service port (ServiceMonitor) that serves `/metrics`.
   * @default 'metrics'
   */
  readonly metricsPortName?: string;
  /**
   * Scrape interval (at least 1s).
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;
}

/**
 * A Prometheus Operator `PodMonitor` that scrapes the proxy pods' metrics
 * port directly (an alternative to {@link FailoverServiceMonitor}).
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
export class FailoverPodMonitor extends Construct {
  /** The generated PodMonitor. */
  public readonly apiObject: ApiObject;
  /** Scrape interval in effect. */
  public readonly scrapeInterval: Duration;

  public constructor(scope: Construct, id: string, props: FailoverPodMonitorProps) {
    super(scope, id);
    const target = scrapeTarget(props);
    this.scrapeInterval = target.scrapeInterval;
    this.apiObject = new mon.PodMonitor(this, 'Resource', {
      metadata: target.metadata,
      spec: {
        ...target.selectors,
        podMetricsEndpoints: [{ port: target.metricsPortName, path: PATHS.metrics, interval: promDuration(this.scrapeInterval) }],
      },
    });
  }
}
