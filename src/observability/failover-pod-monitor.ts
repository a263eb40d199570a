import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PATHS, PORT_NAMES } from '../contract';
import { objectMeta } from './object-meta';
import { checkDuration, promDuration } from './promql';
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
    if (Object.keys(props.selectorLabels).length === 0) {
      throw new Error('\'selectorLabels\' must have at least one label (received {})');
    }
    const port = props.metricsPortName ?? PORT_NAMES.metrics;
    if (port.trim() === '') {
      throw new Error(`'metricsPortName' must not be empty (received '${port}')`);
    }
    this.scrapeInterval = checkDuration('scrapeInterval', props.scrapeInterval ?? Duration.seconds(30), 1);
    this.apiObject = new mon.PodMonitor(this, 'Resource', {
      metadata: objectMeta({ name: props.name, namespace: props.namespaceName, labels: props.labels }),
      spec: {
        selector: { matchLabels: { ...props.selectorLabels } },
        ...(props.namespaceName ? { namespaceSelector: { matchNames: [props.namespaceName] } } : {}),
        podMetricsEndpoints: [{ port, path: PATHS.metrics, interval: promDuration(this.scrapeInterval) }],
      },
    });
  }
}
