import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, withDatabase } from '@fjord/db/migrate';
import { runCli } from '../test/run-cli';

const server = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/fjord';
// Stands in for PgBouncer in transaction mode: DATABASE_URL that the migrate command must not use.
const UNREACHABLE = 'postgresql://postgres@127.0.0.1:1/fjord';

describe('fjord db migrate behind PgBouncer', () => {
  const direct = withDatabase(server, `fjord_direct_${randomBytes(4).toString('hex')}`);
  const migrations = mkdtempSync(path.join(os.tmpdir(), 'fjord-cli-migrations-'));
  mkdirSync(path.join(migrations, '20260101000000_thing'));
  writeFileSync(
    path.join(migrations, '20260101000000_thing', 'migration.sql'),
    'CREATE TABLE "Thing" ("id" INTEGER PRIMARY KEY);\n',
  );

  afterAll(async () => {
    await dropDatabase(direct);
  });

  it('applies migrations to DATABASE_DIRECT_URL, never DATABASE_URL', async () => {
    const { code, output } = await runCli(['db', 'migrate', '--dir', migrations], {
      DATABASE_URL: UNREACHABLE,
      DATABASE_DIRECT_URL: direct,
    });
    expect(output).toContain('applied migration 20260101000000_thing');
    expect(code).toBe(0);
  }, 60_000);

  it('falls back to DATABASE_URL when no direct URL is set', async () => {
    const { code, output } = await runCli(['db', 'migrate', '--dir', migrations], {
      DATABASE_URL: UNREACHABLE,
    });
    expect(code).toBe(1);
    expect(output).toMatch(/ECONNREFUSED|connect/i);
  }, 60_000);
});
