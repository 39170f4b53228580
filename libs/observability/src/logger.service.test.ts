import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.service';

function captureLogger(level: 'info' | 'silent' = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger({ service: 'worker-test', level, destination }), lines };
}

const SECRET = 'hunter2-very-secret-value';

describe('createLogger', () => {
  it('writes JSON lines with service, pid, hostname and an ISO time', () => {
    const { logger, lines } = captureLogger();
    logger.info({ mediaId: 'm1' }, 'media ready');
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({
      service: 'worker-test',
      pid: process.pid,
      msg: 'media ready',
      mediaId: 'm1',
    });
    expect(typeof entry.hostname).toBe('string');
    expect(new Date(entry.time).toISOString()).toBe(entry.time);
  });

  it('never writes a secret, at the top level or nested', () => {
    const { logger, lines } = captureLogger();
    logger.info({ password: SECRET, token: SECRET, apiKey: SECRET, secret: SECRET, cookie: SECRET }, 'top');
    logger.info({ user: { email: 'a@b.c', password: SECRET }, auth: { token: SECRET } }, 'nested');
    logger.info(
      { req: { method: 'GET', headers: { authorization: `Bearer ${SECRET}`, cookie: `s=${SECRET}` } } },
      'req',
    );
    logger.info({ config: { SMTP_URL: `smtp://u:${SECRET}@host`, QUEUE_PREFIX: 'fjord' } }, 'boot');
    logger.child({ apiKey: SECRET }).warn('child');
    logger.info(
      {
        config: { S3_SECRET_ACCESS_KEY: SECRET, S3_ACCESS_KEY_ID: SECRET },
        boot: { s3: { secretAccessKey: SECRET, accessKeyId: SECRET, bucket: 'media' } },
      },
      's3',
    );
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[5] ?? '{}').boot.s3.bucket).toBe('media');
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(lines.join('\n')).toContain('[redacted]');
    // What is not secret still gets through.
    expect(JSON.parse(lines[1] ?? '{}').user.email).toBe('a@b.c');
    expect(JSON.parse(lines[3] ?? '{}').config.QUEUE_PREFIX).toBe('fjord');
  });

  it('writes nothing at level silent', () => {
    const { logger, lines } = captureLogger('silent');
    logger.error('boom');
    expect(lines).toEqual([]);
  });
});
