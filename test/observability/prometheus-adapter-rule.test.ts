import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { unknownMetrics } from './promql-names';
import { METRICS } from '../../src/contract';
import { PrometheusAdapterRule } from '../../src/observability';

/** Applies a prometheus-adapter `name` rule (Go regexp + `${1}` template) to a series name. */
function rename(series: string, matches: string, as: string): string | undefined {
  const re = new RegExp(matches);
  if (!re.test(series)) return undefined;
  return series.replace(re, as.replace(/\$\{(\d+)\}/g, '$$$1'));
}

describe('PrometheusAdapterRule', () => {
  it('turns http_requests_total into the HPA metric http_requests_per_second', () => {
    // GIVEN the rule in the monitoring namespace
    const chart = Testing.chart();
    const rule = new PrometheusAdapterRule(chart, 'Adapter', { namespaceName: 'monitoring', metricsNamespace: 'production' });
    // WHEN the ConfigMap is synthesized and its config parsed
    const [cm] = Testing.synth(chart);
    const config = YAML.parse(cm.data[PrometheusAdapterRule.CONFIG_KEY]);
    const [r] = config.rules;
    // THEN the series query selects the counter and the name rule yields the HPA's metric
    expect(config.rules).toHaveLength(1);
    expect(r.seriesQuery).toBe(`${METRICS.httpRequestsTotal}{namespace="production",pod!=""}`);
    expect(unknownMetrics(r.seriesQuery)).toEqual([]);
    expect(rename(METRICS.httpRequestsTotal, r.name.matches, r.name.as)).toBe(METRICS.hpaRequestsPerSecond);
    expect(r.resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
    expect(r.metricsQuery).toBe('sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)');
    expect(YAML.parse(rule.ruleYaml)).toEqual(r);
    expect(cm).toMatchSnapshot();
  });

  it('matches every namespace by default and takes the rate window', () => {
    // GIVEN no namespace restriction and a 1m window
    const chart = Testing.chart();
    // WHEN created
    const rule = new PrometheusAdapterRule(chart, 'Adapter', { rateWindow: Duration.minutes(1) });
    // THEN the queries reflect it
    expect(rule.seriesQuery).toBe('http_requests_total{namespace!="",pod!=""}');
    expect(rule.metricsQuery).toContain('[1m]');
  });

  it('refuses a bad namespace and window', () => {
    // GIVEN / WHEN bad props / THEN it throws naming them
    const chart = Testing.chart();
    expect(() => new PrometheusAdapterRule(chart, 'A', { metricsNamespace: 'Prod"' }))
      .toThrow('\'metricsNamespace\' must be a DNS label: at most 63 characters of a-z, 0-9 or "-", starting and ending with a letter or digit (received "Prod"")');
    expect(() => new PrometheusAdapterRule(chart, 'B', { rateWindow: Duration.millis(0) }))
      .toThrow("'rateWindow' must be at least 1s (received 0s)");
  });
});
