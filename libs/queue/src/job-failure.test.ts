import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyJobFailure, GENERAL_FAILURE_MESSAGE } from './job-failure';

const systemError = (code: string, message = `${code}: something`) =>
  Object.assign(new Error(message), { code });

describe('classifyJobFailure', () => {
  it("the file's fault fails at once with the sentence it carries", () => {
    const corrupt = Object.assign(new Error('The image file is corrupt or truncated'), {
      name: 'AppError',
      isPermanent: true,
    });
    expect(classifyJobFailure(corrupt)).toMatchObject({
      kind: 'input',
      message: 'The image file is corrupt or truncated',
    });
    expect(classifyJobFailure(new UnrecoverableError('The media was deleted'))).toMatchObject({
      kind: 'input',
      message: 'The media was deleted',
    });
    // A malformed payload will not get better either, and its zod text is not for people.
    const zod = (() => {
      try {
        z.object({ v: z.literal(1) }).parse({});
      } catch (err) {
        return err;
      }
    })();
    expect(classifyJobFailure(zod)).toMatchObject({ kind: 'input', message: GENERAL_FAILURE_MESSAGE });
  });

  it.each([
    ['a refused connection', systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a full disk', systemError('ENOSPC', "ENOSPC: no space left on device, write '/data/blobs/x'")],
    ['an I/O error', systemError('EIO')],
    [
      'a storage driver out of room',
      Object.assign(new Error('storage is full'), { name: 'AppError', code: 'storage_full' }),
    ],
    [
      'Prisma: database unreachable',
      Object.assign(new Error('Invalid `db.media.findUnique()`'), { code: 'P1001' }),
    ],
    ['Postgres: disk full (SQLSTATE 53100)', systemError('53100')],
    ['Postgres: shutting down (57P01)', systemError('57P01')],
    [
      'a cause deep inside',
      new Error('fetch failed', { cause: new Error('x', { cause: systemError('ETIMEDOUT') }) }),
    ],
    ['a dual-stack connect', new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')])],
    ['S3 503', Object.assign(new Error('Service Unavailable'), { $metadata: { httpStatusCode: 503 } })],
    ['SMTP 421', Object.assign(new Error('421 try again later'), { responseCode: 421 })],
    ['ioredis closed', new Error('Connection is closed.')],
    [
      'a network timeout',
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
    ],
  ])("the infrastructure's fault waits: %s", (_label, err) => {
    const failure = classifyJobFailure(err);
    expect(failure.kind).toBe('infrastructure');
    expect(failure.message).toBe(GENERAL_FAILURE_MESSAGE);
  });

  it('keeps internal text out of the message and in the detail', () => {
    const err = systemError('ENOSPC', "ENOSPC: no space left on device, write '/srv/fjord/blobs/media/x'");
    const failure = classifyJobFailure(err);
    expect(failure.message).not.toMatch(/ENOSPC|\/srv|at /);
    expect(failure.detail).toContain('/srv/fjord/blobs/media/x');
    expect(failure.detail).toMatch(/\n\s+at /); // the stack, for operators
  });

  it('anything else is unknown: retried as usual, then a general sentence (or an AppError’s own)', () => {
    expect(classifyJobFailure(new Error('ffmpeg exit code 1: [h264] stderr…'))).toMatchObject({
      kind: 'unknown',
      message: GENERAL_FAILURE_MESSAGE,
    });
    const appError = Object.assign(new Error('The video could not be processed'), { name: 'AppError' });
    expect(classifyJobFailure(appError)).toMatchObject({
      kind: 'unknown',
      message: 'The video could not be processed',
    });
    // The error's own word wins over a cause that looks like infrastructure.
    const permanent = Object.assign(new Error('Image is too large to process'), {
      isPermanent: true,
      cause: systemError('ENOMEM'),
    });
    expect(classifyJobFailure(permanent).kind).toBe('input');
  });
});
