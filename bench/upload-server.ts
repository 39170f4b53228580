/**
 * A child process for bench/upload-memory.bench.ts: the web app's real upload handlers (createWebServices,
 * createWebHttp: the streaming, FormData and tus handlers) behind a bare node:http server, so its RSS is
 * the upload path's cost. Prints `ready <port> <key>` and, on `GET /rss`, its peak RSS since the previous `/rss?reset`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createApiKey } from '@fjord/auth';
import { createTestDatabase, createTestUser, testConfig, toWebRequest } from '@fjord/testing';
import { closeWebServices, createWebHttp, createWebServices } from '@fjord/http';

const database = await createTestDatabase();
const config = testConfig({
  DATABASE_URL: database.url,
  UPLOAD_MAX_BYTES: String(4 * 1024 ** 3),
  VIDEO_UPLOAD_MAX_BYTES: String(8 * 1024 ** 3),
});
const services = createWebServices(config);
const user = await createTestUser(services.db);
const { key } = await createApiKey({ db: services.db, userId: user.id, name: 'bench' });
const web = createWebHttp(services);

/**
 * Peak RSS since the last reset. Linux keeps it in VmHWM and resets it on `echo 5 > /proc/self/clear_refs`,
 * so start-up (tsx compiling, Prisma loading) does not count as the upload's peak. Elsewhere: maxRSS.
 */
function peakRssBytes(reset: boolean): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    if (reset) writeFileSync('/proc/self/clear_refs', '5');
    return kb * 1024;
  } catch {
    return process.resourceUsage().maxRSS * 1024;
  }
}

// RSS sampled every 50 ms, so the bench can tell a brief spike from memory that stays.
const samples: number[] = [];
setInterval(() => samples.push(process.memoryUsage().rss), 50).unref();

const server = http.createServer(async (req, res) => {
  const port = (server.address() as { port: number }).port;
  if (req.url?.startsWith('/rss')) {
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    samples.length = 0;
    res.end(
      JSON.stringify({
        maxRssBytes: peakRssBytes(req.url.includes('reset')),
        rssBytes: process.memoryUsage().rss,
        medianRssBytes: median,
      }),
    );
    return;
  }
  const request = toWebRequest(req, port);
  const response = req.url?.startsWith('/api/tus')
    ? await web.tus(request)
    : await web.rest.createMedia(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(0, '127.0.0.1', () => {
  console.log(`ready ${(server.address() as { port: number }).port} ${key}`);
});
process.on('SIGTERM', async () => {
  server.close();
  await web.close();
  const { transcode, db, email } = services.queues;
  for (const q of [transcode, db, email]) await q.obliterate({ force: true }).catch(() => undefined);
  await closeWebServices(services);
  await database.drop().catch(() => undefined);
  process.exit(0);
});
