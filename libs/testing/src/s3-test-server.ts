import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { S3Config } from '@fjord/config';

export type S3RequestSeen = { method: string; url: string; headers: IncomingHttpHeaders };

export type S3TestServer = {
  /** Settings for the S3 driver (also as env vars in `env`). */
  s3: S3Config & { endpoint: string };
  env: Record<string, string>;
  /** Every request the server received, in order: what the driver really sent. */
  requests: S3RequestSeen[];
  close(): Promise<void>;
};

// s3rver's fixed account.
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 's3rver-process.mjs');

/**
 * A real S3 HTTP server (s3rver, objects on disk in a temp dir) in its own process on a free loopback
 * port, with one bucket. Not a MinIO: no ListMultipartUploads, no AbortMultipartUpload, and SigV4
 * signatures are not verified (only the access key id and presigned expiry) — docs/adr/0009-s3-storage.md.
 */
export async function startS3TestServer({ bucket = 'fjord-test' } = {}): Promise<S3TestServer> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', script, directory, bucket], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const requests: S3RequestSeen[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening:\n${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as { port?: number } & S3RequestSeen;
      if (msg.port !== undefined) resolve(msg.port);
      else requests.push(msg);
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    s3: {
      endpoint,
      region: 'us-east-1',
      bucket,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      forcePathStyle: true,
      prefix: '',
    },
    env: {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    },
    requests,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
