import { METRICS } from '../../src/contract';

/**
 * The prometheus-adapter rule that turns `http_requests_total` into the HPA's
 * Pods metric `http_requests_per_second` (docs and tests share this text).
 */
export const PROMETHEUS_ADAPTER_RULE = `rules:
  - seriesQuery: '${METRICS.httpRequestsTotal}{namespace!="",pod!=""}'
    resources:
      overrides:
        namespace: {resource: "namespace"}
        pod: {resource: "pod"}
    name:
      matches: "^(.*)_total$"
      as: "\${1}_per_second"
    metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'
`;
