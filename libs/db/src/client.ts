import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export type DbClient = PrismaClient;

/** One client per process; the pg pool inside reuses connections across jobs and requests. */
export function createDbClient(opts: { url: string; max?: number }): DbClient {
  const adapter = new PrismaPg({ connectionString: opts.url, max: opts.max ?? 10 });
  return new PrismaClient({ adapter });
}

/** A readiness probe's check: Postgres answers a `SELECT 1` (the caller bounds how long it waits). */
export async function isDatabaseReachable(db: Pick<DbClient, '$queryRaw'>): Promise<boolean> {
  await db.$queryRaw`SELECT 1`;
  return true;
}
