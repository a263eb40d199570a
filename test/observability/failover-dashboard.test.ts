import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { bracketProblem, unknownLabels, unknownMetrics } from './promql-names';
import { METRICS } from '../../src/contract';
import { FailoverDashboard } from '../../src/observability';

function synthDashboard(props: ConstructorParameters<typeof FailoverDashboard>[2] = {}) {
  const chart = Testing.chart();
  new FailoverDashboard(chart, 'Dashboard', props);
  const [cm] = Testing.synth(chart);
  const model = JSON.parse(cm.data[FailoverDashboard.DATA_KEY]);
  const panels = model.panels as any[];
  return { cm, model, panels, graphs: panels.filter((p) => p.type !== 'row') };
}

describe('FailoverDashboard', () => {
  it('is a ConfigMap labelled for the Grafana sidecar (snapshot)', () => {
    // GIVEN the default dashboard in the monitoring namespace
    // WHEN synthesized
    const { cm } = synthDashboard({ namespaceName: 'monitoring', metricsNamespace: 'production', folder: 'AI' });
    // THEN the ConfigMap carries grafana_dashboard: "1" and the folder annotation
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.name).toMatch(/^test-dashboard-/);
    expect(cm.metadata.labels).toEqual({ grafana_dashboard: '1' });
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'AI' });
    expect(cm).toMatchSnapshot();
  });

  it('is a valid Grafana model: unique ids, grid positions inside 24 columns, typed datasource', () => {
    // GIVEN default props (datasource variable)
    // WHEN synthesized
    const { model, panels, graphs } = synthDashboard();
    // THEN the model has the required fields and a DS_PROMETHEUS variable
    expect(model).toMatchObject({ uid: 'ai-failover-proxy', title: 'AI failover proxy', schemaVersion: 39, refresh: '30s' });
    expect(model.templating.list).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' })]);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.gridPos.h, p.title).toBeGreaterThan(0);
    }
    for (const p of graphs) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      expect(new Set(p.targets.map((t: any) => t.refId)).size, p.title).toBe(p.targets.length);
    }
  });

  it('queries only metric names and labels of the contract, and covers breakers, failovers, latency, tokens, cost and rate limits', () => {
    // GIVEN matchers
    // WHEN synthesized
    const { graphs } = synthDashboard({ metricsNamespace: 'production', job: 'holysheep-ai-service' });
    const exprs = graphs.flatMap((p) => p.targets.map((t: any) => t.expr as string));
    // THEN every expr is known and matched, and the topics are all present
    for (const e of exprs) {
      expect(unknownMetrics(e), e).toEqual([]);
      expect(bracketProblem(e), e).toBe('');
      expect(unknownLabels(e), e).toEqual([]);
      expect(e, e).toContain('namespace="production"');
    }
    const used = exprs.join('\n');
    for (const metric of [METRICS.httpRequestsTotal, METRICS.upstreamAttemptsTotal, METRICS.circuitBreakerState, METRICS.failoversTotal,
      METRICS.requestDurationSeconds, METRICS.overheadSeconds, METRICS.timeToFirstTokenSeconds, METRICS.tokensTotal,
      METRICS.costUsdTotal, METRICS.rateLimitedTotal]) {
      expect(used).toContain(metric);
    }
    expect(used).toContain('histogram_quantile(0.99');
    expect(used).toContain('histogram_quantile(0.5');
  });

  it('uses a fixed datasource uid when given, without the variable', () => {
    // GIVEN a datasource uid
    // WHEN synthesized
    const { model, graphs } = synthDashboard({ datasourceUid: 'prom-main', refresh: Duration.minutes(1) });
    // THEN panels point at it
    expect(model.templating.list).toEqual([]);
    expect(model.refresh).toBe('1m');
    expect(graphs.every((p) => p.datasource.uid === 'prom-main')).toBe(true);
  });

  it('refuses a bad uid, title and refresh', () => {
    // GIVEN / WHEN bad props / THEN it throws naming them
    const chart = Testing.chart();
    expect(() => new FailoverDashboard(chart, 'A', { uid: 'has space' }))
      .toThrow("'uid' must be 1-40 letters, digits, '-' or '_' (received 'has space')");
    expect(() => new FailoverDashboard(chart, 'B', { title: '' })).toThrow("'title' must not be empty (received '')");
    expect(() => new FailoverDashboard(chart, 'C', { refresh: Duration.seconds(1) }))
      .toThrow("'refresh' must be at least 5s (received 1s)");
  });
});
