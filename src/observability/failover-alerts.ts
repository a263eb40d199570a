import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BREAKER_STATE_VALUE, METRIC_LABELS as L, METRIC_LABEL_VALUES, METRICS as M } from '../contract';
import { objectMeta } from './object-meta';
import { checkDuration, checkRange, labelSelector, promDuration, seriesMatchers } from './promql';
import * as mon from '../imports/monitoring.coreos.com';

/** Severity label of an alert. */
export enum AlertSeverity {
  /** Someone should look now. */
  CRITICAL = 'critical',
  /** Someone should look during working hours. */
  WARNING = 'warning',
}

/**
 * Props of {@link FailoverAlerts}. Percentages are 0-100.
 */
export interface FailoverAlertsProps {
  /**
   * Namespace of the PrometheusRule (the proxy's); also the `namespace` matcher of every query.
   * @default - the chart's namespace (no matcher when the chart has none)
   */
  readonly namespaceName?: string;
  /**
   * `job` label of the proxy's series (a ServiceMonitor sets it to the Service name).
   * @default - no job matcher
   */
  readonly job?: string;
  /**
   * Name of the PrometheusRule.
   * @default - a cdk8s-generated name
   */
  readonly name?: string;
  /**
   * Extra labels on the PrometheusRule, e.g. `{ release: 'kube-prometheus-stack' }`
   * so that the Prometheus `ruleSelector` picks it up.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Base URL of the runbook; each alert gets `runbook_url: <base>#<alertname lower case>`.
   * @default - no runbook_url annotation
   */
  readonly runbookBaseUrl?: string;
  /**
   * How long one upstream's breaker must stay open before `AIFailoverUpstreamBreakerOpen` fires.
   * @default Duration.minutes(5)
   */
  readonly breakerOpenFor?: Duration;
  /**
   * How long every upstream's breaker must be open before `AIFailoverAllUpstreamsOpen` fires.
   * @default Duration.minutes(1)
   */
  readonly allUpstreamsOpenFor?: Duration;
  /**
   * Failovers as a percentage of requests (5m rate) above which `AIFailoverHighFailoverRate` fires.
   * @default 10
   */
  readonly failoverRatePercent?: number;
  /**
   * Availability objective in percent (non-5xx responses); its error budget drives
   * the multi-window burn-rate alerts `AIFailoverErrorBudgetBurn{Fast,Slow}`.
   * @default 99.5
   */
  readonly availabilityObjectivePercent?: number;
  /**
   * p99 request latency objective; `AIFailoverLatencyP99High` fires when the 5m p99 exceeds it.
   * @default Duration.seconds(30)
   */
  readonly latencyP99Objective?: Duration;
  /**
   * Rate-limited requests as a percentage of one pod's requests above which
   * `AIFailoverPodNearRateLimit` fires.
   * @default 5
   */
  readonly rateLimitedPercent?: number;
  /**
   * How long a pod must fail to reach its shared state (Redis) before
   * `AIFailoverSharedStateDown` fires (pods without shared state never fire it).
   * @default Duration.minutes(2)
   */
  readonly sharedStateDownFor?: Duration;
  /**
   * `for:` of the ratio alerts (failover rate, latency, rate limit).
   * @default Duration.minutes(10)
   */
  readonly sustainedFor?: Duration;
}

/** One alerting rule as it lands in the PrometheusRule. @internal */
interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: AlertSeverity;
  readonly summary: string;
  readonly description: string;
}

/**
 * A Prometheus Operator `PrometheusRule` with the proxy's alerts: an upstream
 * breaker open too long, all upstreams open, high failover rate, error-budget
 * burn (fast and slow), p99 latency above objective, config reload failures,
 * a pod that cannot reach its shared state (Redis), and pods that rate-limit
 * their clients.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 * @see https://sre.google/workbook/alerting-on-slos/
 */
export class FailoverAlerts extends Construct {
  /** Name of the rule group. */
  public static readonly GROUP_NAME = 'ai-failover.rules';
  /** The generated PrometheusRule. */
  public readonly apiObject: ApiObject;
  /** Names of the alerts emitted, in order. */
  public readonly alertNames: string[];

  public constructor(scope: Construct, id: string, props: FailoverAlertsProps = {}) {
    super(scope, id);
    const breakerOpenFor = checkDuration('breakerOpenFor', props.breakerOpenFor ?? Duration.minutes(5), 1);
    const allOpenFor = checkDuration('allUpstreamsOpenFor', props.allUpstreamsOpenFor ?? Duration.minutes(1), 1);
    const sustained = checkDuration('sustainedFor', props.sustainedFor ?? Duration.minutes(10), 1);
    const failoverPct = checkRange('failoverRatePercent', props.failoverRatePercent ?? 10, 0, 100, true);
    const slo = checkRange('availabilityObjectivePercent', props.availabilityObjectivePercent ?? 99.5, 0, 100, true);
    if (slo >= 100) {
      throw new Error(`'availabilityObjectivePercent' must be < 100 so that an error budget exists (received ${slo})`);
    }
    const p99 = checkDuration('latencyP99Objective', props.latencyP99Objective ?? Duration.seconds(30), 0.001);
    const rateLimitedPct = checkRange('rateLimitedPercent', props.rateLimitedPercent ?? 5, 0, 100, true);
    const sharedStateDownFor = checkDuration('sharedStateDownFor', props.sharedStateDownFor ?? Duration.minutes(2), 1);
    if (props.runbookBaseUrl !== undefined && !/^https?:\/\/\S+$/.test(props.runbookBaseUrl)) {
      throw new Error(`'runbookBaseUrl' must be an http(s) URL (received '${props.runbookBaseUrl}')`);
    }

    const m = seriesMatchers(props.namespaceName ?? Chart.of(this).namespace, props.job);
    const sel = (...extra: string[]) => labelSelector(m, ...extra);
    const budget = round((100 - slo) / 100);
    const errors = (w: string) => `sum(rate(${M.httpRequestsTotal}${sel(`${L.status}=~"5.."`)}[${w}]))`;
    const total = (w: string) => `sum(rate(${M.httpRequestsTotal}${sel()}[${w}]))`;
    const ratio = (w: string) => `(${errors(w)} / ${total(w)})`;
    const burn = (long: string, short: string, factor: number) =>
      `${ratio(long)} > ${round(factor * budget)} and ${ratio(short)} > ${round(factor * budget)}`;

    const rules: AlertRule[] = [
      {
        alert: 'AIFailoverUpstreamBreakerOpen',
        expr: `max by (${L.upstream}) (${M.circuitBreakerState}${sel()}) == ${BREAKER_STATE_VALUE.open}`,
        for: promDuration(breakerOpenFor),
        severity: AlertSeverity.WARNING,
        summary: 'Circuit breaker of upstream {{ $labels.upstream }} is open',
        description: `The breaker of upstream {{ $labels.upstream }} has been open for more than ${promDuration(breakerOpenFor)}; its traffic fails over to the next upstream.`,
      },
      {
        alert: 'AIFailoverAllUpstreamsOpen',
        expr: `min without (${L.upstream}) (${M.circuitBreakerState}${sel()}) == ${BREAKER_STATE_VALUE.open}`,
        for: promDuration(allOpenFor),
        severity: AlertSeverity.CRITICAL,
        summary: 'Every upstream breaker is open on {{ $labels.pod }}',
        description: 'All upstream circuit breakers of the proxy pod {{ $labels.pod }} are open: requests fail without reaching any upstream.',
      },
      {
        alert: 'AIFailoverHighFailoverRate',
        expr: `100 * sum(rate(${M.failoversTotal}${sel()}[5m])) / ${total('5m')} > ${failoverPct}`,
        for: promDuration(sustained),
        severity: AlertSeverity.WARNING,
        summary: 'Failover rate above ' + failoverPct + '%',
        description: `{{ $value | humanize }}% of requests failed over to another upstream (threshold ${failoverPct}%).`,
      },
      {
        alert: 'AIFailoverErrorBudgetBurnFast',
        expr: burn('1h', '5m', 14.4),
        for: '2m',
        severity: AlertSeverity.CRITICAL,
        summary: `5xx ratio burns the ${slo}% availability budget 14.4x too fast`,
        description: `At this rate the 30-day error budget (${round(budget * 100)}% of requests) is spent in about 2 days (1h and 5m windows).`,
      },
      {
        alert: 'AIFailoverErrorBudgetBurnSlow',
        expr: burn('6h', '30m', 6),
        for: '15m',
        severity: AlertSeverity.WARNING,
        summary: `5xx ratio burns the ${slo}% availability budget 6x too fast`,
        description: `At this rate the 30-day error budget (${round(budget * 100)}% of requests) is spent in about 5 days (6h and 30m windows).`,
      },
      {
        alert: 'AIFailoverLatencyP99High',
        expr: `histogram_quantile(0.99, sum by (le) (rate(${M.requestDurationSeconds}_bucket${sel()}[5m]))) > ${round(p99.toMilliseconds() / 1000)}`,
        for: promDuration(sustained),
        severity: AlertSeverity.WARNING,
        summary: `p99 request latency above ${promDuration(p99)}`,
        description: `The 5m p99 of request duration is {{ $value | humanizeDuration }} (objective ${promDuration(p99)}).`,
      },
      {
        alert: 'AIFailoverConfigReloadFailed',
        expr: `sum by (pod) (increase(${M.configReloadsTotal}${sel(`${L.result}="${METRIC_LABEL_VALUES.reloadFailed}"`)}[10m])) > 0`,
        for: '1m',
        severity: AlertSeverity.WARNING,
        summary: 'Config reload failed on {{ $labels.pod }}',
        description: 'The proxy rejected a new config.yaml and keeps serving the previous one; check its logs for the field that failed validation.',
      },
      {
        // the gauge exists only on pods with shared state (REDIS_URL): without it this rule has no series and never fires
        alert: 'AIFailoverSharedStateDown',
        expr: `max by (pod) (${M.sharedStateUp}${sel()}) == 0`,
        for: promDuration(sharedStateDownFor),
        severity: AlertSeverity.WARNING,
        summary: 'Shared state (Redis) unreachable from {{ $labels.pod }}',
        description: 'The proxy pod {{ $labels.pod }} cannot reach its Redis: rate limits, breakers and usage are pod-local meanwhile (sharedState.failMode open), or rate-limited requests are refused with 503 (failMode closed).',
      },
      {
        alert: 'AIFailoverPodNearRateLimit',
        expr: `100 * sum by (pod) (rate(${M.rateLimitedTotal}${sel()}[5m])) / sum by (pod) (rate(${M.httpRequestsTotal}${sel()}[5m])) > ${rateLimitedPct}`,
        for: promDuration(sustained),
        severity: AlertSeverity.WARNING,
        summary: 'Pod {{ $labels.pod }} rate-limits its clients',
        description: `{{ $value | humanize }}% of requests on {{ $labels.pod }} got 429 from the proxy's own rate limit (threshold ${rateLimitedPct}%); raise the limit or scale out.`,
      },
    ];
    this.alertNames = rules.map((r) => r.alert);

    const runbook = props.runbookBaseUrl;
    this.apiObject = new mon.PrometheusRule(this, 'Resource', {
      metadata: objectMeta({ name: props.name, namespace: props.namespaceName, labels: props.labels }),
      spec: {
        groups: [{
          name: FailoverAlerts.GROUP_NAME,
          rules: rules.map((r) => ({
            alert: r.alert,
            expr: mon.PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
            for: r.for,
            labels: { severity: r.severity },
            annotations: {
              summary: r.summary,
              description: r.description,
              ...(runbook ? { runbook_url: `${runbook}#${r.alert.toLowerCase()}` } : {}),
            },
          })),
        }],
      },
    });
  }
}

/** Rounds away floating-point noise (0.005 * 14.4 → 0.072). */
function round(x: number): number {
  return Number(x.toPrecision(10));
}
