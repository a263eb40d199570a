import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PATHS } from '../contract';
import { FailoverPodMonitorProps } from './failover-pod-monitor';
import { checkDuration, promDuration } from './promql';
import { scrapeTarget } from './scrape-target';
import * as mon from '../imports/monitoring.coreos.com';

/**
 * Props of {@link FailoverServiceMonitor}: those of a PodMonitor, plus a scrape timeout.
 */
export interface FailoverServiceMonitorProps extends FailoverPodMonitorProps {
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
