import os from 'node:os';
import path from 'node:path';
import { EnvSchema, type Env } from './config.schema';

export type Config = Env & {
  dataDir: string;
  storageDir: string;
  mailOutboxDir: string;
  sharpConcurrency: number;
  ffmpegThreads: number;
  cookieSecure: boolean;
};

/** Parses an environment into a Config. Throws a readable error naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid Fjord configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const dataDir = path.resolve(e.FJORD_DATA_DIR);
  return {
    ...e,
    dataDir,
    storageDir: path.resolve(dataDir, e.STORAGE_DIR ?? 'blobs'),
    mailOutboxDir: path.resolve(dataDir, e.MAIL_OUTBOX_DIR ?? 'mail'),
    sharpConcurrency:
      e.SHARP_CONCURRENCY ?? Math.max(1, Math.floor(os.availableParallelism() / e.TRANSCODE_CONCURRENCY)),
    ffmpegThreads:
      e.FFMPEG_THREADS ?? Math.max(1, Math.floor(os.availableParallelism() / e.TRANSCODE_CONCURRENCY)),
    cookieSecure: e.COOKIE_SECURE ?? e.FJORD_PUBLIC_URL.startsWith('https:'),
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed from process.env on first use. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
