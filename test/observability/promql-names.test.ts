import { describe, expect, it } from 'vitest';
import { bracketProblem, labelNames, metricNames, unknownLabels, unknownMetrics } from './promql-names';

describe('the PromQL scanner used by the observability tests', () => {
  it('finds metric names, stripping histogram suffixes and skipping functions, keywords and labels', () => {
    // GIVEN an expression with functions, grouping, selectors, ranges and binary operators
    const expr = 'histogram_quantile(0.99, sum by (le) (rate(ai_failover_request_duration_seconds_bucket{namespace="a",status=~"5.."}[5m]))) > 1e3 and on (pod) up offset 5m';
    // WHEN scanned
    const names = metricNames(expr);
    // THEN only the selected series remain
    expect(names.sort()).toEqual(['ai_failover_request_duration_seconds', 'up']);
  });

  it('reports names and labels outside the contract', () => {
    // GIVEN a misspelt metric and a label the runtime never sets
    const expr = 'sum by (region) (rate(http_request_total{code="500"}[5m]))';
    // WHEN checked against the contract
    // THEN both are reported
    expect(unknownMetrics(expr)).toEqual(['http_request_total']);
    expect(labelNames(expr).sort()).toEqual(['code', 'region']);
    expect(unknownLabels(expr).sort()).toEqual(['code', 'region']);
  });

  it('reports unbalanced brackets but ignores brackets inside strings', () => {
    // GIVEN balanced, unclosed and mismatched expressions
    // WHEN checked / THEN only the broken ones are reported
    expect(bracketProblem('sum(rate(x{a="(["}[5m]))')).toBe('');
    expect(bracketProblem('sum(rate(x[5m])')).toBe("unclosed '('");
    expect(bracketProblem('sum(x})')).toBe("unexpected '}'");
  });
});
