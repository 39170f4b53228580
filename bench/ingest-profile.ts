/**
 * A targeted ingest measurement that needs no Next build: the web app's real upload handlers behind
 * node:http (bench/upload-server.ts: createWebServices + createWebHttp, the REST multipart/octet-stream
 * handler and the tus server) against the bare node:http server of the `ingest` row, same client, same
 * disk, alternating in one run. Besides MB/s it reads each server's CPU seconds from /proc, which on a
 * shared machine is the steadier figure (CPU-s per 100 MB):
 *
 *   npx tsx bench/ingest-profile.ts [--mb 100] [--uploads 3] [--modes multipart,octet-stream,tus]
 *   BENCH_UPLOAD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npx tsx bench/ingest-profile.ts …
 *
 * then `npx tsx bench/cpuprofile-top.ts /tmp/prof/*.cpuprofile`.
 */
import os from 'node:os';
import { INGEST_MODES, uploadOnce, type IngestMode } from './rows/ingest-client';
import { createDataDir, startBareServer, type UploadServer } from './rows/ingest-servers';
import { processCpuSeconds } from './rows/cpu-time';
import { startServer } from './upload-memory.bench';

const MB = 1024 * 1024;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

async function startHandlerServer(): Promise<UploadServer> {
  const server = await startServer((process.env.BENCH_UPLOAD_NODE_ARGS ?? '').split(' ').filter(Boolean));
  return {
    name: 'fjord handlers (node:http)',
    base: server.base,
    headers: server.auth,
    mediaPath: '/api/v1/media',
    tusPath: '/api/tus',
    pid: server.pid,
    stop: server.stop,
  };
}

const mb = Number(option('mb', '100'));
const uploads = Number(option('uploads', '3'));
const modes = option('modes', INGEST_MODES.join(',')).split(',') as IngestMode[];

const data = createDataDir();
const servers = [await startHandlerServer(), await startBareServer(data.dir, { isDurable: true })];
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${uploads} × ${mb} MB per mode`,
);
console.log(
  '| mode | server | MB/s | CPU-s per 100 MB | MB/s ratio | CPU ratio |\n| --- | --- | ---: | ---: | ---: | ---: |',
);
try {
  for (const server of servers) for (const mode of modes) await uploadOnce(server, mode, MB); // warm-up
  for (const mode of modes) {
    const results = [];
    for (const server of servers) {
      const cpuBefore = await processCpuSeconds(server.pid);
      let ms = 0;
      for (let i = 0; i < uploads; i++) ms += await uploadOnce(server, mode, mb * MB);
      const cpu = (await processCpuSeconds(server.pid)) - cpuBefore;
      results.push({ server, mbps: (uploads * mb) / (ms / 1000), cpuPer100: (cpu * 100) / (uploads * mb) });
    }
    const [fjord, bare] = results as [(typeof results)[0], (typeof results)[0]];
    for (const r of results) {
      const ratio = r === fjord ? `${(fjord.mbps / bare.mbps).toFixed(2)}×` : '';
      const cpuRatio = r === fjord ? `${(bare.cpuPer100 / fjord.cpuPer100).toFixed(2)}×` : '';
      console.log(
        `| ${mode} | ${r.server.name} | ${r.mbps.toFixed(1)} | ${r.cpuPer100.toFixed(2)} | ${ratio} | ${cpuRatio} |`,
      );
    }
  }
} finally {
  for (const server of servers) await server.stop();
  data.remove();
}
console.log(
  `load average after ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
