import type http from 'node:http';

/**
 * The whole HTTP surface of APP_ROLE=worker: liveness and readiness for the orchestrator, and a
 * JSON 404 for anything else (no API, no back-office).
 */
export function healthOnly(isReady: () => Promise<boolean>): http.RequestListener {
  return (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: { code: 'method_not_allowed', message: 'Only GET' } });
    if (path === '/healthz') return send(200, { status: 'ok', role: 'worker' });
    if (path === '/readyz') {
      void isReady()
        .catch(() => false)
        .then((ready) => send(ready ? 200 : 503, { status: ready ? 'ready' : 'starting', role: 'worker' }));
      return;
    }
    send(404, { error: { code: 'not_found', message: 'A worker serves only /healthz and /readyz' } });
  };
}
