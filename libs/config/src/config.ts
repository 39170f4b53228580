import os from 'node:os';
import path from 'node:path';
import { EnvWithRulesSchema, type Env } from './config.schema';
import { DEFAULT_IMAGE_PRESETS } from './image-presets';
import { deriveTranscodeParallelism } from './transcode-parallelism';

/** Connection settings of the S3 storage driver; present only when STORAGE_DRIVER=s3. */
export type S3Config = {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Without slashes at either end; '' when unset. */
  prefix: string;
};

export type Config = Omit<Env, 'TRANSCODE_CONCURRENCY'> & {
  /** Always set: configured, or derived from the machine's cores. */
  TRANSCODE_CONCURRENCY: number;
  dataDir: string;
  storageDir: string;
  s3?: S3Config;
  transcodeTempDir: string;
  mailOutboxDir: string;
  sharpConcurrency: number;
  ffmpegThreads: number;
  cookieSecure: boolean;
  /** Always set: configured, or the machine's cores. */
  imageTransformConcurrency: number;
  /** DEFAULT_IMAGE_PRESETS with IMAGE_PRESETS over them. */
  imagePresets: Readonly<Record<string, string>>;
};

function s3ConfigOf(e: Env): S3Config {
  // The schema's rules guarantee these once STORAGE_DRIVER=s3.
  if (!e.S3_BUCKET || !e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY) throw new Error('S3 settings missing');
  return {
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    bucket: e.S3_BUCKET,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE ?? e.S3_ENDPOINT !== undefined,
    prefix: (e.S3_PREFIX ?? '').replace(/\/+$/, ''),
  };
}

/** Parses an environment into a Config. Throws a readable error naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvWithRulesSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid Fjord configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const dataDir = path.resolve(e.FJORD_DATA_DIR);
  const parallelism = deriveTranscodeParallelism({
    cores: os.availableParallelism(),
    transcodeConcurrency: e.TRANSCODE_CONCURRENCY,
    sharpConcurrency: e.SHARP_CONCURRENCY,
    ffmpegThreads: e.FFMPEG_THREADS,
  });
  return {
    ...e,
    TRANSCODE_CONCURRENCY: parallelism.transcodeConcurrency,
    dataDir,
    storageDir: path.resolve(dataDir, e.STORAGE_DIR ?? 'blobs'),
    s3: e.STORAGE_DRIVER === 's3' ? s3ConfigOf(e) : undefined,
    transcodeTempDir: path.resolve(dataDir, e.TRANSCODE_TEMP_DIR ?? os.tmpdir()),
    mailOutboxDir: path.resolve(dataDir, e.MAIL_OUTBOX_DIR ?? 'mail'),
    sharpConcurrency: parallelism.sharpConcurrency,
    ffmpegThreads: parallelism.ffmpegThreads,
    cookieSecure: e.COOKIE_SECURE ?? e.FJORD_PUBLIC_URL.startsWith('https:'),
    imageTransformConcurrency: e.IMAGE_TRANSFORM_CONCURRENCY ?? Math.max(1, os.availableParallelism()),
    imagePresets: { ...DEFAULT_IMAGE_PRESETS, ...e.IMAGE_PRESETS },
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed from process.env on first use. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
