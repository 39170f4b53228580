import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, type Config } from '@fjord/config';

/** A Redis key prefix no other test file (or concurrent run) uses; valid as QUEUE_PREFIX. */
export function uniquePrefix(label = 't'): string {
  const safe = label.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 24);
  return `fjt-${safe}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * A Config for tests: real local services, a temporary data directory, silent logs, a unique queue
 * prefix, and short locks/backoffs so failure paths finish in seconds. Overrides win.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    FJORD_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'fjord-test-')),
    FJORD_PUBLIC_URL: 'http://localhost:3000',
    HEALTH_PORT: '0',
    AVIF_EFFORT: '0',
    WORKER_LOCK_DURATION_MS: '5000',
    JOB_ATTEMPTS: '2',
    JOB_BACKOFF_MS: '100',
    SWEEPER_STALE_AFTER_MS: '5000',
    SWEEPER_INTERVAL_MS: '1000',
    ...overrides,
  });
}
