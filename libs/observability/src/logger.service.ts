import os from 'node:os';
import { logContextMixin } from './tracing/log-context';
import { pino, stdTimeFunctions, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

/**
 * Secrets never reach a log line, whatever a caller passes. pino's paths match one level per `*`, so the
 * common nestings (a config object, an error's options, an HTTP request) are listed explicitly.
 */
const SECRET_KEYS = [
  'password',
  'token',
  'authorization',
  'cookie',
  'apiKey',
  'secret',
  'SMTP_URL',
  'DATABASE_URL',
  'FJORD_URL_SIGNING_SECRET',
  'FJORD_SECRETS_KEY',
  'FJORD_SECRETS_KEY_PREVIOUS',
  'secretCiphertext',
  'FJORD_API_KEY',
  'signingSecret',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'accessKeyId',
  'secretAccessKey',
];
export const REDACTED_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'accessToken',
  'refreshToken',
  '*.accessToken',
  '*.refreshToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
];

export interface CreateLoggerOptions {
  /** Which process is speaking: "web", "worker-transcode", … */
  service: string;
  level: LogLevel;
  /** Where JSON lines go; stdout by default. Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

/**
 * JSON lines on stdout, one format for every Fjord process, so a flow can be followed across them: each
 * line inside a span or a job carries traceId, spanId, mediaId and jobId.
 */
export function createLogger({ service, level, destination }: CreateLoggerOptions): Logger {
  const options = {
    level,
    base: { service, pid: process.pid, hostname: os.hostname() },
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    // traceId/spanId of the active span, mediaId/jobId of the job or upload (a line's own fields win).
    mixin: logContextMixin,
  };
  return destination ? pino(options, destination) : pino(options);
}
