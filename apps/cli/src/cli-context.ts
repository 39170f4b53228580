import { getConfig } from '@fjord/config';
import { createDbClient, type DbClient } from '@fjord/db';

export class UsageError extends Error {}

/** Opens the database for one command and always closes it, so the process can exit. */
export async function withDb<T>(fn: (db: DbClient) => Promise<T>): Promise<T> {
  const db = createDbClient({ url: getConfig().DATABASE_URL, max: 2 });
  try {
    return await fn(db);
  } finally {
    await db.$disconnect();
  }
}

export function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`Missing --${name}.`);
  return value.trim();
}
