import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type MigrationFile = { name: string; sql: string; checksum: string };

/** libs/db/prisma: schema.prisma, migrations/, and the schema snapshot the last migration was made from. */
export const prismaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma');
export const defaultMigrationsDir = path.join(prismaDir, 'migrations');
export const defaultSchemaPath = path.join(prismaDir, 'schema.prisma');
/** The schema as of the newest migration; `create` diffs from it (ADR 0001). */
export const snapshotFileName = 'schema.snapshot.prisma';

/** The same checksum Prisma writes to `_prisma_migrations.checksum`: sha256 hex of the script. */
export function checksumMigration(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Committed migrations, oldest first (folder names start with a UTC timestamp, so they sort). */
export function readMigrations(migrationsDir: string = defaultMigrationsDir): MigrationFile[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) throw new Error(`Migration folder ${name} has no migration.sql (${file}).`);
      const sql = readFileSync(file, 'utf8');
      return { name, sql, checksum: checksumMigration(sql) };
    });
}

/** One hash over every migration's name and checksum: changes whenever the history changes. */
export function hashMigrations(migrations: MigrationFile[]): string {
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(`${m.name}:${m.checksum}\n`);
  return hash.digest('hex');
}
