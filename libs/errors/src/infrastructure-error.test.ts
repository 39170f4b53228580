import { describe, expect, it } from 'vitest';
import { AppError, httpStatusForCode } from './app-error';
import { isInfrastructureError, unavailableError } from './infrastructure-error';

/** The shapes Prisma 7 + @prisma/adapter-pg throw, as captured against a Postgres cut by a TCP proxy. */
const prismaError = (code: string, cause: Record<string, unknown>) =>
  Object.assign(new Error(`Invalid invocation: ${code}`), {
    name: 'PrismaClientKnownRequestError',
    code,
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
  });
const s3Error = (name: string, httpStatusCode: number) =>
  Object.assign(new Error('We encountered an internal error. Please try again.'), {
    name,
    $metadata: { httpStatusCode },
  });

describe('isInfrastructureError', () => {
  it.each([
    ['a model query, database unreachable (P1001)', prismaError('P1001', { kind: 'DatabaseNotReachable' })],
    // $queryRaw/$executeRaw wrap the same fault as P2010: only the adapter's kind tells.
    ['a raw query, database unreachable (P2010)', prismaError('P2010', { kind: 'DatabaseNotReachable' })],
    ['a raw query, connection reset (P2010)', prismaError('P2010', { kind: 'ConnectionClosed' })],
    [
      'Postgres shutting down (57P01 through the adapter)',
      prismaError('P2010', { kind: 'postgres', originalCode: '57P01' }),
    ],
    // node-postgres, a query in flight when the connection dropped: no code at all.
    ['a connection dropped mid-query', new Error('Connection terminated unexpectedly')],
    ['the pool timing out a connect', new Error('timeout exceeded when trying to connect')],
    ['S3 503 SlowDown', s3Error('SlowDown', 503)],
    ['S3 500 InternalError', s3Error('InternalError', 500)],
    ['S3 502 with an unknown name', s3Error('UnknownError', 502)],
    ['S3 throttling (429)', s3Error('TooManyRequestsException', 429)],
    [
      'a driver wrapping a refused connection',
      new Error('put failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
    ],
  ])('%s is infrastructure', (_, err) => {
    expect(isInfrastructureError(err)).toBe(true);
  });

  it.each([
    ['a unique violation', prismaError('P2002', { kind: 'UniqueConstraintViolation' })],
    ['a missing table (a bug, not an outage)', prismaError('P2021', { kind: 'TableDoesNotExist' })],
    ['a raw query with a syntax error', prismaError('P2010', { kind: 'postgres', originalCode: '42601' })],
    ['S3 403 AccessDenied', s3Error('AccessDenied', 403)],
    ['S3 404 NoSuchKey', s3Error('NoSuchKey', 404)],
    ['a file that is too large', new AppError('too_large', 'too big')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('%s is not', (_, err) => {
    expect(isInfrastructureError(err)).toBe(false);
  });

  it('maps to 503 with a retry hint and a sentence that names no internals', () => {
    const err = unavailableError(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    expect(httpStatusForCode(err.code)).toBe(503);
    expect(err.details).toEqual({ retryAfterSeconds: 5 });
    expect(err.message).not.toMatch(/ECONN|127\.0|postgres|redis|s3/i);
  });
});
