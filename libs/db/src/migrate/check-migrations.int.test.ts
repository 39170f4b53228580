import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMigrations } from './check-migrations';
import { createMigration } from './create-migration';
import { defaultMigrationsDir, defaultSchemaPath, readMigrations } from './migration-files';

const url = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/fjord';

/** A copy of the real schema and migrations, with `nickname` added to User in the schema only. */
function workspaceWithSchemaChange(): { schemaPath: string; migrationsDir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fjord-schema-'));
  const migrationsDir = path.join(dir, 'migrations');
  cpSync(defaultMigrationsDir, migrationsDir, { recursive: true });
  const schemaPath = path.join(dir, 'schema.prisma');
  const schema = readFileSync(defaultSchemaPath, 'utf8').replace(
    /(model User \{\n)/,
    '$1  nickname     String?\n',
  );
  writeFileSync(schemaPath, schema);
  return { schemaPath, migrationsDir };
}

describe('checkMigrations', () => {
  it('passes for the committed schema and migrations', async () => {
    expect(await checkMigrations({ url })).toEqual({ ok: true, differences: [], isSnapshotStale: false });
  });

  it('fails with a readable difference when schema.prisma changed without a migration', async () => {
    const result = await checkMigrations({ url, ...workspaceWithSchemaChange() });
    expect(result.ok).toBe(false);
    expect(result.differences).toEqual(['+ column "User".nickname text']);
  });
});

describe('createMigration', () => {
  it('writes the migration for a schema change, after which the check passes', async () => {
    const ws = workspaceWithSchemaChange();
    const created = await createMigration({
      url,
      name: 'Add nickname',
      now: new Date('2030-01-02T03:04:05Z'),
      ...ws,
    });
    expect(created?.name).toBe('20300102030405_add_nickname');
    expect(created?.sql).toContain('ALTER TABLE "User" ADD COLUMN     "nickname" TEXT;');
    expect(readMigrations(ws.migrationsDir).at(-1)?.name).toBe('20300102030405_add_nickname');
    expect(await checkMigrations({ url, ...ws })).toEqual({
      ok: true,
      differences: [],
      isSnapshotStale: false,
    });
    expect(await createMigration({ url, name: 'nothing', ...ws })).toBeNull();
  });
});
