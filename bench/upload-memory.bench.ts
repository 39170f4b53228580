import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { Readable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const CHUNK = 64 * 1024;
export const MP4_HEAD = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isommp41'),
]);
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);

/** `bytes` generated on the fly in 1 MB chunks: the client never holds the file either. */
export function generated(head: Buffer, bytes: number): Readable {
  const chunk = Buffer.alloc(CHUNK, 0x5a);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < bytes; sent += CHUNK) {
        const part = sent === 0 ? Buffer.concat([head, chunk.subarray(head.length)]) : chunk;
        yield part.subarray(0, Math.min(CHUNK, bytes - sent));
      }
    })(),
  );
}

/**
 * A streamed POST/PATCH with node:http (backpressure end to end). Node 20's fetch with a stream body
 * made the *server* look 600 MB heavier in an earlier run than curl did for the same upload.
 */
export function send(url: string, method: string, headers: Record<string, string>, body: Readable) {
  return new Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      const req = http.request(url, { method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      });
      req.on('error', reject);
      body.pipe(req);
    },
  );
}

/** bench/upload-server.ts in a child; `nodeArgs` go before the entry (e.g. `--cpu-prof`). */
export async function startServer(nodeArgs: string[] = []) {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', path.join(root, 'bench/upload-server.ts')],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'silent', NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  while (!/ready \d+ \S+/.test(out)) {
    if (child.exitCode !== null) throw new Error(`upload server exited: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const [, port, key] = /ready (\d+) (\S+)/.exec(out)!;
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${key}` };
  const rss = async (reset = false) =>
    (await (await fetch(`${base}/rss${reset ? '?reset' : ''}`)).json()) as {
      maxRssBytes: number;
      rssBytes: number;
      medianRssBytes: number;
    };
  async function stop() {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  return { base, auth, rss, stop, pid: child.pid! };
}

type Row = { name: string; bytes: number; ms: number; idleMb: number; peakMb: number; medianMb: number };
type Sent = { status: number; text: string };

async function measureUpload(
  name: string,
  bytes: number,
  upload: (s: Awaited<ReturnType<typeof startServer>>) => Promise<Sent>,
): Promise<Row> {
  const server = await startServer();
  try {
    const idle = await server.rss(true);
    const started = Date.now();
    const res = await upload(server);
    if (res.status >= 300) throw new Error(`${name}: HTTP ${res.status} ${res.text}`);
    const ms = Date.now() - started;
    const after = await server.rss();
    return {
      name,
      bytes,
      ms,
      idleMb: idle.rssBytes / MB,
      peakMb: after.maxRssBytes / MB,
      medianMb: after.medianRssBytes / MB,
    };
  } finally {
    await server.stop();
  }
}

export async function runUploadMemoryBench({ largeBytes = 2 * 1024 * MB, formBytes = 200 * MB } = {}) {
  console.log(
    `large upload ${largeBytes / MB} MB (generated on the fly); FormData baseline ${formBytes / MB} MB`,
  );
  const rows: Row[] = [];
  rows.push(
    await measureUpload('FormData (buffered, baseline)', formBytes, async (s) => {
      const form = new FormData();
      const blob = new Blob([JPEG_HEAD, new Uint8Array(formBytes - JPEG_HEAD.length)]);
      form.append('file', blob, 'big.jpg');
      const res = await fetch(`${s.base}/api/v1/media`, { method: 'POST', body: form, headers: s.auth });
      return { status: res.status, text: await res.text() };
    }),
  );
  rows.push(
    await measureUpload('octet-stream (streamed)', largeBytes, (s) =>
      send(
        `${s.base}/api/v1/media`,
        'POST',
        { ...s.auth, 'content-type': 'application/octet-stream', 'x-filename': 'big.mp4' },
        generated(MP4_HEAD, largeBytes),
      ),
    ),
  );
  rows.push(
    await measureUpload('tus (resumable, one PATCH)', largeBytes, async (s) => {
      const tus = { ...s.auth, 'tus-resumable': '1.0.0' };
      const created = await fetch(`${s.base}/api/tus`, {
        method: 'POST',
        headers: {
          ...tus,
          'upload-length': String(largeBytes),
          'upload-metadata': `filename ${Buffer.from('big.mp4').toString('base64')}`,
        },
      });
      const location = new URL(created.headers.get('location')!, s.base).toString();
      const patch = { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' };
      return send(location, 'PATCH', patch, generated(MP4_HEAD, largeBytes));
    }),
  );
  const base = rows[0]!;
  const baseExtra = (base.peakMb - base.idleMb) / (base.bytes / MB);
  console.log(
    '| path | upload MB | seconds | idle RSS MB | median RSS during MB | peak RSS MB | peak − idle MB | peak − idle per upload MB |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const extra = r.peakMb - r.idleMb;
    const perMb = extra / (r.bytes / MB);
    const ratio = r === base ? 'baseline' : `${(baseExtra / Math.max(perMb, 1e-9)).toFixed(0)}× less`;
    console.log(
      `| ${r.name} | ${Math.round(r.bytes / MB)} | ${(r.ms / 1000).toFixed(1)} | ${r.idleMb.toFixed(0)} | ${r.medianMb.toFixed(0)} | ${r.peakMb.toFixed(0)} | ${extra.toFixed(0)} | ${(perMb * 1024).toFixed(0)} KB (${ratio}) |`,
    );
  }
}
