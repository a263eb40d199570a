import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { bracketProblem, unknownLabels, unknownMetrics } from './promql-names';
import { METRICS } from '../../src/contract';
import { AlertSeverity, FailoverAlerts } from '../../src/observability';

function synthRule(props: ConstructorParameters<typeof FailoverAlerts>[2] = {}) {
  const chart = Testing.chart();
  const alerts = new FailoverAlerts(chart, 'Alerts', props);
  const [rule] = Testing.synth(chart);
  return { alerts, rule, rules: rule.spec.groups[0].rules as any[] };
}

describe('FailoverAlerts', () => {
  it('synthesizes a PrometheusRule (snapshot)', () => {
    // GIVEN a namespace, a job and a runbook
    const chart = Testing.chart();
    // WHEN the alerts are added
    new FailoverAlerts(chart, 'Alerts', {
      namespaceName: 'production',
      job: 'holysheep-ai-service',
      labels: { release: 'kube-prometheus-stack' },
      runbookBaseUrl: 'https://runbooks.example/ai-failover',
    });
    // THEN the manifest matches, in that namespace, selected by that label, with runbook links
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    const [rule] = manifests;
    expect(rule.metadata).toMatchObject({ namespace: 'production', labels: { release: 'kube-prometheus-stack' } });
    for (const r of rule.spec.groups[0].rules) {
      expect(r.expr, r.alert).toContain('job="holysheep-ai-service"');
      expect(r.annotations.runbook_url, r.alert).toBe(`https://runbooks.example/ai-failover#${String(r.alert).toLowerCase()}`);
    }
  });

  it('emits the breaker, failover, error budget, latency, reload, shared-state and rate-limit alerts, each with for, severity, summary and description', () => {
    // GIVEN default props
    // WHEN synthesized
    const { rule, rules, alerts } = synthRule({ runbookBaseUrl: 'https://runbooks.example/x' });
    // THEN the kind is a PrometheusRule and each alert is complete
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rules.map((r) => r.alert)).toEqual(alerts.alertNames);
    expect(alerts.alertNames).toEqual([
      'AIFailoverUpstreamBreakerOpen', 'AIFailoverAllUpstreamsOpen', 'AIFailoverHighFailoverRate',
      'AIFailoverErrorBudgetBurnFast', 'AIFailoverErrorBudgetBurnSlow', 'AIFailoverLatencyP99High',
      'AIFailoverConfigReloadFailed', 'AIFailoverSharedStateDown', 'AIFailoverPodNearRateLimit',
    ]);
    for (const r of rules) {
      expect(r.for, r.alert).toMatch(/^\d+(ms|s|m|h)$/);
      expect(Object.values(AlertSeverity), r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toMatch(/\w{3,}/);
      expect(r.annotations.description, r.alert).toMatch(/\w{3,}/);
      expect(r.annotations.runbook_url, r.alert).toBe(`https://runbooks.example/x#${r.alert.toLowerCase()}`);
    }
  });

  it('uses only metric names and labels of the contract in every expression', () => {
    // GIVEN matchers on namespace and job
    // WHEN synthesized
    const { rules } = synthRule({ namespaceName: 'prod', job: 'svc' });
    // THEN each expr names known metrics and labels and carries the matchers
    for (const r of rules) {
      expect(unknownMetrics(r.expr), r.alert).toEqual([]);
      expect(bracketProblem(r.expr), r.alert).toBe('');
      expect(unknownLabels(r.expr), r.alert).toEqual([]);
      expect(r.expr, r.alert).toContain('namespace="prod"');
      expect(r.expr, r.alert).toContain('job="svc"');
    }
  });

  it('puts the typed thresholds into the expressions and for: durations', () => {
    // GIVEN custom thresholds
    // WHEN synthesized
    const { rules } = synthRule({
      breakerOpenFor: Duration.minutes(7),
      failoverRatePercent: 25,
      availabilityObjectivePercent: 99.9,
      latencyP99Objective: Duration.millis(2500),
      rateLimitedPercent: 3,
      sustainedFor: Duration.seconds(90),
      sharedStateDownFor: Duration.minutes(4),
    });
    const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));
    // THEN each threshold lands where it belongs
    expect(byName.AIFailoverUpstreamBreakerOpen.for).toBe('7m');
    expect(byName.AIFailoverUpstreamBreakerOpen.expr).toBe(`max by (upstream) (${METRICS.circuitBreakerState}) == 2`);
    expect(byName.AIFailoverHighFailoverRate.expr).toMatch(/ > 25$/);
    expect(byName.AIFailoverHighFailoverRate.for).toBe('90s');
    // budget 0.1% → fast burn 14.4 × 0.001, slow burn 6 × 0.001
    expect(byName.AIFailoverErrorBudgetBurnFast.expr).toContain('> 0.0144 and');
    expect(byName.AIFailoverErrorBudgetBurnFast.expr).toContain('[1h]');
    expect(byName.AIFailoverErrorBudgetBurnSlow.expr).toContain('> 0.006 and');
    expect(byName.AIFailoverLatencyP99High.expr).toMatch(/^histogram_quantile\(0\.99, .*ai_failover_request_duration_seconds_bucket.* > 2\.5$/);
    expect(byName.AIFailoverPodNearRateLimit.expr).toMatch(/ > 3$/);
    expect(byName.AIFailoverConfigReloadFailed.expr).toContain('result="failed"');
    expect(byName.AIFailoverSharedStateDown.expr).toBe(`max by (pod) (${METRICS.sharedStateUp}) == 0`);
    expect(byName.AIFailoverSharedStateDown.for).toBe('4m');
    expect(byName.AIFailoverAllUpstreamsOpen.labels.severity).toBe(AlertSeverity.CRITICAL);
  });

  it('refuses bad thresholds, naming the prop and the value', () => {
    // GIVEN / WHEN bad thresholds / THEN construction throws
    const chart = Testing.chart();
    expect(() => new FailoverAlerts(chart, 'A', { failoverRatePercent: 0 }))
      .toThrow("'failoverRatePercent' must be a number > 0 and <= 100 (received 0)");
    expect(() => new FailoverAlerts(chart, 'B', { failoverRatePercent: 150 })).toThrow('(received 150)');
    expect(() => new FailoverAlerts(chart, 'C', { availabilityObjectivePercent: 100 }))
      .toThrow("'availabilityObjectivePercent' must be < 100 so that an error budget exists (received 100)");
    expect(() => new FailoverAlerts(chart, 'D', { rateLimitedPercent: Number.NaN })).toThrow("'rateLimitedPercent'");
    expect(() => new FailoverAlerts(chart, 'E', { breakerOpenFor: Duration.millis(10) }))
      .toThrow("'breakerOpenFor' must be at least 1s (received 0.01s)");
    expect(() => new FailoverAlerts(chart, 'G', { sharedStateDownFor: Duration.millis(500) }))
      .toThrow("'sharedStateDownFor' must be at least 1s (received 0.5s)");
    expect(() => new FailoverAlerts(chart, 'F', { runbookBaseUrl: 'wiki/page' }))
      .toThrow("'runbookBaseUrl' must be an http(s) URL (received 'wiki/page')");
  });

  it('matches the chart\'s namespace by default', () => {
    // GIVEN a chart with a namespace
    const chart = new Chart(Testing.app(), 'test', { namespace: 'staging' });
    // WHEN alerts are added without namespaceName
    new FailoverAlerts(chart, 'Alerts');
    const [rule] = Testing.synth(chart);
    // THEN the rule lands there and every expr matches it
    expect(rule.metadata.namespace).toBe('staging');
    for (const r of rule.spec.groups[0].rules) expect(r.expr, r.alert).toContain('namespace="staging"');
  });
});
