import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, withDatabase } from './database-url';
import { migrateDatabase } from './migrate-database';
import { checksumMigration } from './migration-files';

const server = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/fjord';
const created: string[] = [];

function freshUrl(): string {
  const url = withDatabase(server, `fjord_mig_${randomBytes(4).toString('hex')}`);
  created.push(url);
  return url;
}

function writeMigrations(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fjord-migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const FIRST = 'CREATE TABLE "Thing" ("id" INTEGER PRIMARY KEY);\n';
const SECOND =
  'ALTER TABLE "Thing" ADD COLUMN "name" TEXT;\nCREATE INDEX "Thing_name_idx" ON "Thing"("name");\n';

afterAll(async () => {
  await Promise.all(created.map((url) => dropDatabase(url)));
});

describe('migrateDatabase', () => {
  it('creates the database, applies pending migrations in order and records them like Prisma', async () => {
    const url = freshUrl();
    const migrationsDir = writeMigrations({ '20260101000000_first': FIRST, '20260102000000_second': SECOND });
    const logs: string[] = [];

    const first = await migrateDatabase({ url, migrationsDir, log: (m) => logs.push(m) });
    expect(first).toEqual({
      applied: ['20260101000000_first', '20260102000000_second'],
      createdDatabase: true,
    });

    const rows = await query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
      finished_at: Date;
    }>(
      url,
      'SELECT migration_name, checksum, applied_steps_count, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual([
      ['20260101000000_first', checksumMigration(FIRST), 1],
      ['20260102000000_second', checksumMigration(SECOND), 1],
    ]);
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    await query(url, 'INSERT INTO "Thing" (id, name) VALUES (1, \'x\')');

    const again = await migrateDatabase({ url, migrationsDir, log: (m) => logs.push(m) });
    expect(again.applied).toEqual([]);
    expect(logs.at(-1)).toMatch(/up to date/);
  });

  it('applies each migration once when several processes start at the same time', async () => {
    const url = freshUrl();
    const migrationsDir = writeMigrations({ '20260101000000_first': FIRST, '20260102000000_second': SECOND });
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateDatabase({ url, migrationsDir })));
    expect(results.flatMap((r) => r.applied).sort()).toEqual([
      '20260101000000_first',
      '20260102000000_second',
    ]);
    const [{ count }] = (await query<{ count: string }>(
      url,
      'SELECT count(*) FROM "_prisma_migrations"',
    )) as [{ count: string }];
    expect(Number(count)).toBe(2);
  });

  it('rolls a failing migration back completely, records it, and applies it once fixed', async () => {
    const url = freshUrl();
    const broken = 'CREATE TABLE "Half" ("id" INTEGER);\nSELECT no_such_function();\n';
    const migrationsDir = writeMigrations({ '20260101000000_first': FIRST, '20260102000000_broken': broken });

    await expect(migrateDatabase({ url, migrationsDir })).rejects.toThrow(
      /Migration 20260102000000_broken failed and was rolled back: .*no_such_function/,
    );
    const tables = await query<{ tablename: string }>(
      url,
      "SELECT tablename FROM pg_tables WHERE tablename = 'Half'",
    );
    expect(tables).toEqual([]);
    const failed = await query<{ logs: string; rolled_back_at: Date | null }>(
      url,
      `SELECT logs, rolled_back_at FROM "_prisma_migrations" WHERE migration_name = '20260102000000_broken'`,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]?.rolled_back_at).toBeInstanceOf(Date);
    expect(failed[0]?.logs).toMatch(/no_such_function/);

    writeFileSync(
      path.join(migrationsDir, '20260102000000_broken', 'migration.sql'),
      'CREATE TABLE "Half" ("id" INTEGER);\n',
    );
    expect((await migrateDatabase({ url, migrationsDir })).applied).toEqual(['20260102000000_broken']);
  });

  it('refuses to run over a migration that started and never finished', async () => {
    const url = freshUrl();
    const migrationsDir = writeMigrations({ '20260101000000_first': FIRST });
    await migrateDatabase({ url, migrationsDir });
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('crashed', 'x', '20260103000000_crashed')`,
    );
    await expect(migrateDatabase({ url, migrationsDir })).rejects.toThrow(
      /20260103000000_crashed started earlier but never finished/,
    );
  });
});
