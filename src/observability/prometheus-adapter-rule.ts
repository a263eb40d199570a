import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { METRICS } from '../contract';
import { objectMeta } from './object-meta';
import { checkDuration, escapeLabelValue, promDuration } from './promql';
import { checkDnsLabel } from '../private/k8s-names';

/**
 * Props of {@link PrometheusAdapterRule}.
 */
export interface PrometheusAdapterRuleProps {
  /**
   * Namespace of the ConfigMap (where prometheus-adapter runs).
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * Name of the ConfigMap; pass it to the prometheus-adapter chart as `rules.existing`.
   * @default - a cdk8s-generated name
   */
  readonly name?: string;
  /**
   * Restrict the rule's series to this namespace (the proxy's).
   * @default - every namespace
   */
  readonly metricsNamespace?: string;
  /**
   * Window of the `rate()` that turns the counter into a per-second value.
   * @default Duration.minutes(2)
   */
  readonly rateWindow?: Duration;
}

/**
 * The prometheus-adapter custom-metrics rule that turns the counter
 * `http_requests_total` into the Pods metric `http_requests_per_second` the
 * proxy's HorizontalPodAutoscaler scales on.
 *
 * Emits a ConfigMap holding a complete adapter `config.yaml` (use it with the
 * prometheus-adapter chart's `rules.existing`, which replaces the chart's
 * default, custom, external and resource rules), and exposes the single rule
 * as YAML in {@link ruleYaml} to append to the chart's `rules.custom` list instead.
 *
 * @see https://github.com/kubernetes-sigs/prometheus-adapter/blob/master/docs/config.md
 */
export class PrometheusAdapterRule extends Construct {
  /** Key of the adapter config in the ConfigMap. */
  public static readonly CONFIG_KEY = 'config.yaml';
  /** Regex of the rule's `name.matches` (Go RE2 syntax). */
  public static readonly NAME_MATCHES = '^(.*)_total$';
  /** Template of the rule's `name.as`. */
  public static readonly NAME_AS = '${1}_per_second';
  /** The generated ConfigMap. */
  public readonly apiObject: ApiObject;
  /** The rule's `seriesQuery`. */
  public readonly seriesQuery: string;
  /** The rule's `metricsQuery` (a prometheus-adapter Go template). */
  public readonly metricsQuery: string;
  /** The rule alone, as YAML for one item of the chart's `rules.custom`. */
  public readonly ruleYaml: string;

  public constructor(scope: Construct, id: string, props: PrometheusAdapterRuleProps = {}) {
    super(scope, id);
    const window = checkDuration('rateWindow', props.rateWindow ?? Duration.minutes(2), 1);
    if (props.metricsNamespace !== undefined) {
      checkDnsLabel('metricsNamespace', props.metricsNamespace);
    }
    const ns = props.metricsNamespace ? `namespace="${escapeLabelValue(props.metricsNamespace)}"` : 'namespace!=""';
    this.seriesQuery = `${METRICS.httpRequestsTotal}{${ns},pod!=""}`;
    this.metricsQuery = `sum(rate(<<.Series>>{<<.LabelMatchers>>}[${promDuration(window)}])) by (<<.GroupBy>>)`;
    const rule = {
      seriesQuery: this.seriesQuery,
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: PrometheusAdapterRule.NAME_MATCHES, as: PrometheusAdapterRule.NAME_AS },
      metricsQuery: this.metricsQuery,
    };
    this.ruleYaml = YAML.stringify(rule);
    this.apiObject = new kplus.k8s.KubeConfigMap(this, 'Resource', {
      metadata: objectMeta({ name: props.name, namespace: props.namespaceName }),
      data: { [PrometheusAdapterRule.CONFIG_KEY]: YAML.stringify({ rules: [rule] }) },
    });
  }
}
