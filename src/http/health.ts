import type http from 'node:http';
import type { ReadinessReport } from '../ops/readiness.js';
import { metricsAllowed, sendMetrics } from '../ops/metrics.js';

/**
 * The whole HTTP surface of APP_ROLE=worker: liveness and readiness for the orchestrator, metrics
 * for Prometheus (with METRICS_TOKEN), and a JSON 404 for anything else (no API, no back-office).
 */
export function healthOnly(report: () => Promise<ReadinessReport>, metricsToken: string | undefined): http.RequestListener {
  return (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: { code: 'method_not_allowed', message: 'Only GET' } });
    if (path === '/healthz') return send(200, { status: 'ok', role: 'worker' });
    if (path === '/readyz') {
      void report().then(
        (r) => send(r.status === 'ready' ? 200 : 503, r),
        () => send(503, { status: 'not_ready', role: 'worker', checks: {} }),
      );
      return;
    }
    if (path === '/metrics' && metricsAllowed(metricsToken, req.headers.authorization)) {
      void sendMetrics(res).catch(() => send(500, { error: { code: 'internal_error', message: 'metrics failed' } }));
      return;
    }
    send(404, { error: { code: 'not_found', message: 'A worker serves only /healthz and /readyz' } });
  };
}
