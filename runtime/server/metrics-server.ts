import { createServer, type Server } from 'node:http';
import { PATHS } from '../../src/contract';
import { sendOpenAIError } from '../http/openai-error';
import type { ProxyMetrics } from '../ops/metrics';

/** The metrics port: `GET /metrics` in Prometheus text format; anything else 404. */
export function createMetricsServer(metrics: ProxyMetrics): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== PATHS.metrics) {
      sendOpenAIError(res, 404, 'not_found', `unknown path on the metrics port, use ${PATHS.metrics}`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendOpenAIError(res, 405, 'method_not_allowed', `${PATHS.metrics} accepts GET, HEAD, received ${String(req.method).slice(0, 16)}`, { allow: 'GET, HEAD' });
      return;
    }
    metrics.render().then(({ contentType, body }) => {
      res.statusCode = 200;
      res.setHeader('content-type', contentType);
      res.end(body);
    }, (error: Error) => {
      sendOpenAIError(res, 500, 'internal_error', `metrics collection failed: ${error.message}`);
    });
  });
}
