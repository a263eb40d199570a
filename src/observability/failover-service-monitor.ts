import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PATHS } from '../contract';
import { checkDuration, promDuration } from './promql';
import { scrapeTarget } from './scrape-target';
import * as mon from '../imports/monitoring.coreos.com';

/**
 * Props of {@link FailoverServiceMonitor}.
 */
export interface FailoverServiceMonitorProps {
  /**
   * Labels of the proxy's Service that the ServiceMonitor selects
   * (e.g. `FailoverProxy.selectorLabels`, which the Service also carries).
   */
  readonly selectorLabels: { [key: string]: string };
  /**
   * Namespace of the ServiceMonitor and of the Service it watches.
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * Name of the ServiceMonitor.
   * @default - a cdk8s-generated name
   */
  readonly name?: string;
  /**
   * Extra labels on the ServiceMonitor, e.g. `{ release: 'kube-prometheus-stack' }`
   * so that the Prometheus `serviceMonitorSelector` picks it up.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Name of the Service port that serves `/metrics`.
   * @default 'metrics'
   */
  readonly metricsPortName?: string;
  /**
   * Scrape interval (at least 1s).
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;
  /**
   * Scrape timeout; must not exceed `scrapeInterval`.
   * @default Duration.seconds(10)
   */
  readonly scrapeTimeout?: Duration;
}

/**
 * A Prometheus Operator `ServiceMonitor` that scrapes the proxy's metrics port
 * (`/metrics` on the Service port named `metrics`).
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export class FailoverServiceMonitor extends Construct {
  /** The generated ServiceMonitor. */
  public readonly apiObject: ApiObject;
  /** Scrape interval in effect. */
  public readonly scrapeInterval: Duration;
  /** Scrape timeout in effect. */
  public readonly scrapeTimeout: Duration;
  /** Service port name scraped. */
  public readonly metricsPortName: string;

  public constructor(scope: Construct, id: string, props: FailoverServiceMonitorProps) {
    super(scope, id);
    const target = scrapeTarget(props);
    this.metricsPortName = target.metricsPortName;
    this.scrapeInterval = target.scrapeInterval;
    this.scrapeTimeout = checkDuration('scrapeTimeout', props.scrapeTimeout ?? Duration.seconds(10), 1);
    if (this.scrapeTimeout.toMilliseconds() > this.scrapeInterval.toMilliseconds()) {
      throw new Error(`'scrapeTimeout' (${promDuration(this.scrapeTimeout)}) must not exceed 'scrapeInterval' (${promDuration(this.scrapeInterval)})`);
    }
    this.apiObject = new mon.ServiceMonitor(this, 'Resource', {
      metadata: target.metadata,
      spec: {
        ...target.selectors,
        endpoints: [{
          port: this.metricsPortName,
          path: PATHS.metrics,
          interval: promDuration(this.scrapeInterval),
          scrapeTimeout: promDuration(this.scrapeTimeout),
        }],
      },
    });
  }
}
