// The web process of the crash tests: the production REST upload handler (createWebServices +
// createRestHandlers, what Next mounts as POST /api/v1/media) behind node:http, so a test can SIGKILL
// "web" in the middle of a request. Env as every Fjord process (getConfig); prints its port once listening.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { getConfig } from '@fjord/config';
import { createRestHandlers, createWebServices } from '@fjord/http';

const rest = createRestHandlers(createWebServices(getConfig()));

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/v1/media') {
    res.writeHead(404).end();
    return;
  }
  const request = new Request(`http://127.0.0.1${req.url}`, {
    method: 'POST',
    headers: req.headers as Record<string, string>,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  void rest
    .createMedia(request)
    .then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })
    .catch((err: unknown) => {
      console.error(err);
      res.writeHead(500).end();
    });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`web listening on ${(server.address() as AddressInfo).port}`);
});
