/**
 * Internal: what {@link FailoverServiceMonitor} and {@link FailoverPodMonitor}
 * share: the checked selector, metrics port name and scrape interval, the
 * metadata and the `selector` / `namespaceSelector` of their specs.
 */
import { ApiObjectMetadata, Duration } from 'cdk8s';
import { PORT_NAMES } from '../contract';
import type { FailoverPodMonitorProps } from './failover-pod-monitor';
import { objectMeta } from './object-meta';
import { checkDuration } from './promql';

/** The props both monitors take, checked, with defaults applied. @internal */
export interface ScrapeTarget {
  /** Name of the port that serves `/metrics` (default `metrics`). */
  readonly metricsPortName: string;
  /** Scrape interval (default 30s, at least 1s). */
  readonly scrapeInterval: Duration;
  /** The monitor's metadata (only the keys that are set). */
  readonly metadata: ApiObjectMetadata;
  /** The spec's `selector`, and `namespaceSelector` when a namespace is named. */
  readonly selectors: {
    readonly selector: { matchLabels: { [key: string]: string } };
    readonly namespaceSelector?: { matchNames: string[] };
  };
}

/**
 * Checks the shared props (throws naming the prop and the value) and applies
 * their defaults. `FailoverServiceMonitorProps` extends
 * `FailoverPodMonitorProps`, so both monitors pass theirs. @internal
 */
export function scrapeTarget(props: FailoverPodMonitorProps): ScrapeTarget {
  if (Object.keys(props.selectorLabels).length === 0) {
    throw new Error('\'selectorLabels\' must have at least one label (received {})');
  }
  const metricsPortName = props.metricsPortName ?? PORT_NAMES.metrics;
  if (metricsPortName.trim() === '') {
    throw new Error(`'metricsPortName' must not be empty (received '${metricsPortName}')`);
  }
  return {
    metricsPortName,
    scrapeInterval: checkDuration('scrapeInterval', props.scrapeInterval ?? Duration.seconds(30), 1),
    metadata: objectMeta({ name: props.name, namespace: props.namespaceName, labels: props.labels }),
    selectors: {
      selector: { matchLabels: { ...props.selectorLabels } },
      ...(props.namespaceName ? { namespaceSelector: { matchNames: [props.namespaceName] } } : {}),
    },
  };
}
