/**
 * The web app's request handling as its own process, for the outage and crash batteries: the same
 * handler object apps/web/src/app/api mounts (getWebHttp(), built from getServices() and this process's
 * env), behind a bare node:http server instead of `next start` (no `next build` per run), so a test can
 * cut its connections or SIGKILL it mid-request. Only the routes the batteries drive. Prints
 * `web listening <port>` once it listens (WEB_PORT, or any free port).
 */
import http from 'node:http';
import { closeOnSignal, closeWebServices, getServices, getWebHttp, healthLive } from '@fjord/http';
import { getConfig } from '@fjord/config';
import { startTracing, stopTracing } from '@fjord/observability';
import { toWebRequest } from '@fjord/testing';

type Route = (req: Request) => Promise<Response>;

const routes: Record<string, Route> = {
  'GET /api/health/live': async () => healthLive(),
  'GET /api/health/ready': () => getWebHttp().health.ready(),
  'POST /api/v1/media': (req) => getWebHttp().rest.createMedia(req),
  'GET /api/metrics': (req) => getWebHttp().metrics(req),
};

// As apps/web/src/instrumentation.ts does at Next's start: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
startTracing(getConfig(), { service: 'web' });

// Created at boot, as the first request to a Next process would: its Redis and Postgres clients exist
// (and are reconnecting) before the outage starts.
getServices();

const server = http.createServer((req, res) => {
  const port = (server.address() as { port: number }).port;
  const route = routes[`${req.method} ${(req.url ?? '/').split('?')[0]}`];
  const respond = async () => {
    const response = route
      ? await route(toWebRequest(req, port))
      : Response.json({ error: { code: 'not_found', message: 'No such route.' } }, { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
  respond().catch((err: unknown) => {
    // A handler that throws instead of answering is a bug the battery must see, not a hidden 500.
    console.error('web-process: handler threw', err);
    res.writeHead(500).end();
  });
});
server.listen(Number(process.env.WEB_PORT ?? 0), '127.0.0.1', () => {
  console.log(`web listening ${(server.address() as { port: number }).port}`);
});
closeOnSignal({
  target: process,
  isNextHandlingSignals: false,
  close: async () => {
    server.close();
    await closeWebServices(getServices());
    await stopTracing();
  },
  onError: (err) => console.error('web-process: close failed', err),
});
