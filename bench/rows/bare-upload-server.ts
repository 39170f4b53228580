/**
 * Child process of ingest.bench.ts: the baseline a user could write by hand — a bare node:http server
 * that streams each body to a file on the same disk as Fjord's storage and answers as Fjord does
 * (202 for POST /media, tus-style 201 + 204 for /tus). No auth, no database, no queue: the floor.
 * With `fsync` it also makes each file durable before answering (file and directory fsync), as Fjord's
 * local blob store does: that variant tells the disk's share of the distance from the software's.
 * Prints `ready <port>`.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.argv[2]!;
const isDurable = process.argv[3] === 'fsync';
mkdirSync(dir, { recursive: true });

/** Kept only while the request is in flight: the disk sees every byte, the bench's disk space does not. */
async function toDisk(req: http.IncomingMessage): Promise<number> {
  const file = path.join(dir, randomUUID());
  await pipeline(req, createWriteStream(file));
  if (isDurable) {
    for (const target of [file, dir]) {
      const handle = await open(target, 'r');
      await handle.sync();
      await handle.close();
    }
  }
  unlinkSync(file);
  return Number(req.headers['content-length'] ?? 0);
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/media') {
      const bytes = await toDisk(req);
      res.writeHead(202, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ id: randomUUID(), bytes }));
    }
    if (req.method === 'POST' && req.url === '/tus') {
      res.writeHead(201, { location: `/tus/${randomUUID()}`, 'tus-resumable': '1.0.0' });
      return void res.end();
    }
    if (req.method === 'PATCH' && req.url?.startsWith('/tus/')) {
      const bytes = await toDisk(req);
      res.writeHead(204, { 'upload-offset': String(bytes), 'tus-resumable': '1.0.0' });
      return void res.end();
    }
    res.writeHead(404).end();
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as { port: number }).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
