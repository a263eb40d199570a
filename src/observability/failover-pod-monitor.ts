import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PATHS } from '../contract';
import { promDuration } from './promql';
import { scrapeTarget } from './scrape-target';
import * as mon from '../imports/monitoring.coreos.com';

/**
 * Props of {@link FailoverPodMonitor}.
 */
export interface FailoverPodMonitorProps {
  /** Labels of the proxy's pods (e.g. `FailoverProxy.selectorLabels`). */
  readonly selectorLabels: { [key: string]: string };
  /**
   * Namespace of the PodMonitor and of the pods it watches.
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * Name of the PodMonitor.
   * @default - a cdk8s-generated name
   */
  readonly name?: string;
  /**
   * Extra labels on the PodMonitor, e.g. `{ release: 'kube-prometheus-stack' }`.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Name of the container port that serves `/metrics`.
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
