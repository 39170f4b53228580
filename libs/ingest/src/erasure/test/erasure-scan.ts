import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DbClient } from '@fjord/db';
import type { Queues } from '@fjord/queue';

/**
 * Test helpers: where a person's traces could be, searched for every needle. Each returns the places that
 * still hold one, so a failing test names the table, file or key.
 */
export async function findInDatabase(db: DbClient, needles: string[]): Promise<string[]> {
  const tables = await db.$queryRaw<Array<{ table_name: string }>>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`;
  const hits: string[] = [];
  for (const { table_name } of tables) {
    // The whole row as text: every text, uuid, json and array column at once.
    const rows = await db.$queryRawUnsafe<Array<{ row: string }>>(
      `SELECT t::text AS row FROM "${table_name}" t
       WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) n WHERE strpos(lower(t::text), lower(n)) > 0)`,
      needles,
    );
    for (const r of rows) hits.push(`${table_name}: ${r.row.slice(0, 200)}`);
  }
  return hits;
}

export async function findInFiles(dir: string, needles: string[]): Promise<string[]> {
  const lowered = needles.map((n) => n.toLowerCase());
  const hits: string[] = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const file = path.join(entry.parentPath, entry.name);
    const text = entry.isFile() ? (await readFile(file, 'latin1')).toLowerCase() : '';
    if (lowered.some((n) => file.toLowerCase().includes(n) || text.includes(n))) hits.push(file);
  }
  return hits;
}

async function valueOf(redis: Queues['connection'], key: string): Promise<string> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return (await redis.lrange(key, 0, -1)).join('\n');
    case 'set':
      return (await redis.smembers(key)).join('\n');
    case 'zset':
      return (await redis.zrange(key, '0', '-1')).join('\n');
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

/** Every key under the prefix, by name and by value. */
export async function findInRedis(redis: Queues['connection'], prefix: string, needles: string[]) {
  const lowered = needles.map((n) => n.toLowerCase());
  const hits: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const text = `${key}\n${await valueOf(redis, key)}`.toLowerCase();
      if (lowered.some((n) => text.includes(n))) hits.push(key);
    }
  } while (cursor !== '0');
  return hits;
}
