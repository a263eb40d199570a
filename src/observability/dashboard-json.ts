/**
 * Internal: the Grafana dashboard model of {@link FailoverDashboard}, built in
 * code so that every query uses the metric names of the shared contract.
 */
import { METRIC_LABELS as L, METRIC_LABEL_VALUES as V, METRICS as M } from '../contract';
import { labelSelector } from './promql';

/** Options of {@link dashboardModel}. @internal */
export interface DashboardModelOptions {
  readonly uid: string;
  readonly title: string;
  readonly matchers: { [key: string]: string };
  /** Datasource uid, or undefined for the `${DS_PROMETHEUS}` variable. */
  readonly datasourceUid?: string;
  readonly refresh: string;
}

interface Target { readonly expr: string; readonly legendFormat: string }

/** Name of the datasource template variable. @internal */
export const DATASOURCE_VARIABLE = 'DS_PROMETHEUS';

/** The dashboard JSON model (schemaVersion 39). @internal */
export function dashboardModel(o: DashboardModelOptions): Record<string, unknown> {
  const ds = { type: 'prometheus', uid: o.datasourceUid ?? `\${${DATASOURCE_VARIABLE}}` };
  const sel = (...extra: string[]) => labelSelector(o.matchers, ...extra);
  const rate = (metric: string, by: string, ...extra: string[]) => `sum by (${by}) (rate(${metric}${sel(...extra)}[$__rate_interval]))`;
  const quantile = (q: number, histogram: string, by: string[] = []) =>
    `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (rate(${histogram}_bucket${sel()}[$__rate_interval])))`;

  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  const row = (title: string) => {
    panels.push({ id: id++, type: 'row', title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
  };
  const pair = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    panels.push({ ...a, id: id++, gridPos: { h: 8, w: 12, x: 0, y } });
    panels.push({ ...b, id: id++, gridPos: { h: 8, w: 12, x: 12, y } });
    y += 8;
  };
  const ts = (title: string, unit: string, targets: Target[], extra: Record<string, unknown> = {}) => ({
    type: 'timeseries',
    title,
    datasource: ds,
    fieldConfig: { defaults: { unit, ...extra }, overrides: [] },
    options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: ds, expr: t.expr, legendFormat: t.legendFormat })),
  });

  row('Traffic');
  pair(
    ts('Requests by status', 'reqps', [{ expr: rate(M.httpRequestsTotal, L.status), legendFormat: `{{${L.status}}}` }]),
    ts('Upstream attempts by upstream and outcome', 'reqps', [
      { expr: rate(M.upstreamAttemptsTotal, `${L.upstream}, ${L.outcome}`), legendFormat: `{{${L.upstream}}} {{${L.outcome}}}` },
    ]),
  );
  pair(
    ts('In-flight requests and open streams', 'short', [
      { expr: `sum(${M.inFlightRequests}${sel()})`, legendFormat: 'in flight' },
      { expr: `sum(${M.openStreams}${sel()})`, legendFormat: 'open streams' },
    ]),
    ts('Rate-limited requests by route', 'reqps', [{ expr: rate(M.rateLimitedTotal, L.route), legendFormat: `{{${L.route}}}` }]),
  );

  row('Failover');
  pair(
    ts('Breaker state by upstream (0 closed, 1 half-open, 2 open)', 'short', [
      { expr: `max by (${L.upstream}) (${M.circuitBreakerState}${sel()})`, legendFormat: `{{${L.upstream}}}` },
    ], { min: 0, max: 2, custom: { drawStyle: 'line', lineInterpolation: 'stepAfter' } }),
    ts('Failovers by path', 'reqps', [
      { expr: rate(M.failoversTotal, `${L.from}, ${L.to}`), legendFormat: `{{${L.from}}} → {{${L.to}}}` },
    ]),
  );
  pair(
    ts('Breaker transitions', 'short', [
      { expr: `sum by (${L.upstream}, ${L.to}) (increase(${M.circuitBreakerTransitionsTotal}${sel()}[$__rate_interval]))`, legendFormat: `{{${L.upstream}}} → {{${L.to}}}` },
    ]),
    ts('Retries and retry-budget rejections', 'reqps', [
      { expr: rate(M.retriesTotal, L.route), legendFormat: `retries {{${L.route}}}` },
      { expr: rate(M.retryBudgetRejectedTotal, L.upstream), legendFormat: `budget rejected {{${L.upstream}}}` },
    ]),
  );

  row('Latency');
  pair(
    ts('Request latency p50 / p99', 's', [
      { expr: quantile(0.5, M.requestDurationSeconds), legendFormat: 'p50' },
      { expr: quantile(0.99, M.requestDurationSeconds), legendFormat: 'p99' },
    ]),
    ts('Proxy overhead p50 / p99', 's', [
      { expr: quantile(0.5, M.overheadSeconds), legendFormat: 'p50' },
      { expr: quantile(0.99, M.overheadSeconds), legendFormat: 'p99' },
    ]),
  );
  pair(
    ts('Time to first token p50 / p99 by model', 's', [
      { expr: quantile(0.5, M.timeToFirstTokenSeconds, [L.model]), legendFormat: `p50 {{${L.model}}}` },
      { expr: quantile(0.99, M.timeToFirstTokenSeconds, [L.model]), legendFormat: `p99 {{${L.model}}}` },
    ]),
    ts('Upstream latency p99 by upstream', 's', [
      { expr: quantile(0.99, M.upstreamLatencySeconds, [L.upstream]), legendFormat: `{{${L.upstream}}}` },
    ]),
  );

  row('Tokens and cost');
  pair(
    ts('Tokens per second by model', 'short', [
      { expr: rate(M.tokensTotal, L.model, `${L.direction}="${V.directionInput}"`), legendFormat: `input {{${L.model}}}` },
      { expr: rate(M.tokensTotal, L.model, `${L.direction}="${V.directionOutput}"`), legendFormat: `output {{${L.model}}}` },
    ]),
    ts('Cost per hour by model (USD)', 'currencyUSD', [
      { expr: `3600 * ${rate(M.costUsdTotal, L.model)}`, legendFormat: `{{${L.model}}}` },
      { expr: `3600 * ${rate(M.failoverCostUsdTotal, L.model)}`, legendFormat: `on failover {{${L.model}}}` },
    ]),
  );
  pair(
    ts('Config reloads', 'short', [
      { expr: `sum by (${L.result}) (increase(${M.configReloadsTotal}${sel()}[$__rate_interval]))`, legendFormat: `{{${L.result}}}` },
    ]),
    ts('Requests by model', 'reqps', [{ expr: rate(M.httpRequestsTotal, L.model), legendFormat: `{{${L.model}}}` }]),
  );

  // the shared-state series exist only on pods with REDIS_URL: without it these panels stay empty
  row('Shared state (Redis)');
  pair(
    ts('Shared state reachable by pod (1 up, 0 down)', 'short', [
      { expr: `max by (pod) (${M.sharedStateUp}${sel()})`, legendFormat: '{{pod}}' },
    ], { min: 0, max: 1, custom: { drawStyle: 'line', lineInterpolation: 'stepAfter' } }),
    ts('Shared-state command p99 and fallbacks to pod-local state', 's', [
      { expr: quantile(0.99, M.sharedStateCommandSeconds, [L.operation]), legendFormat: `p99 {{${L.operation}}}` },
      { expr: rate(M.sharedStateFallbacksTotal, L.operation), legendFormat: `fallbacks/s {{${L.operation}}}` },
    ]),
  );

  const templating = o.datasourceUid ? [] : [{
    name: DATASOURCE_VARIABLE, label: 'Prometheus', type: 'datasource', query: 'prometheus', hide: 0, current: {},
  }];
  return {
    uid: o.uid,
    title: o.title,
    tags: ['ai-failover', 'llm'],
    timezone: 'browser',
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: o.refresh,
    time: { from: 'now-6h', to: 'now' },
    templating: { list: templating },
    annotations: { list: [] },
    panels,
  };
}
