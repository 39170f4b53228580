/**
 * The web app's request handling as its own process, for the outage battery: the same handler object
 * apps/web/src/app/api mounts (getWebHttp(), built from getServices() and this process's env), behind a
 * bare node:http server instead of `next start` (no `next build` per run). Only the routes the battery
 * drives. Prints `web listening <port>` once it listens.
 */
import http from 'node:http';
import { closeOnSignal, closeWebServices, getServices, getWebHttp, healthLive } from '@fjord/http';

type Route = (req: Request) => Promise<Response>;

const routes: Record<string, Route> = {
  'GET /api/health/live': async () => healthLive(),
  'GET /api/health/ready': () => getWebHttp().health.ready(),
  'POST /api/v1/media': (req) => getWebHttp().rest.createMedia(req),
};

/** Test uploads are small: the body is read whole (the streaming path has its own tests and bench). */
async function toRequest(req: http.IncomingMessage, port: number): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === 'string') headers.set(name, value);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks);
  return new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers, body });
}

// Created at boot, as the first request to a Next process would: its Redis and Postgres clients exist
// (and are reconnecting) before the outage starts.
getServices();

const server = http.createServer((req, res) => {
  const port = (server.address() as { port: number }).port;
  const route = routes[`${req.method} ${(req.url ?? '/').split('?')[0]}`];
  const respond = async () => {
    const response = route
      ? await route(await toRequest(req, port))
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
  },
  onError: (err) => console.error('web-process: close failed', err),
});
