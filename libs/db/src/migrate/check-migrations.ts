import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from './database-url';
import { diffCatalogs, dumpCatalog } from './catalog-dump';
import { migrateDatabase } from './migrate-database';
import { defaultMigrationsDir, defaultSchemaPath, snapshotFileName } from './migration-files';
import { createSchemaDiffer, datamodelTarget, isEmptyScript } from './schema-engine';

export type CheckMigrationsOptions = {
  /** Any database URL on the server to use; two temporary databases are created beside it. */
  url: string;
  schemaPath?: string;
  migrationsDir?: string;
};

export type CheckMigrationsResult = {
  ok: boolean;
  /** Catalog lines: "- x" only after the migrations, "+ x" only from schema.prisma. */
  differences: string[];
  /** The migrations match schema.prisma, but the snapshot `create` diffs from does not. */
  isSnapshotStale: boolean;
};

/**
 * CI's drift check: builds one database from the committed migrations and one straight from
 * schema.prisma, and compares what Postgres says is in each.
 */
export async function checkMigrations(opts: CheckMigrationsOptions): Promise<CheckMigrationsResult> {
  const schemaPath = opts.schemaPath ?? defaultSchemaPath;
  const migrationsDir = opts.migrationsDir ?? defaultMigrationsDir;
  const schema = readFileSync(schemaPath, 'utf8');
  const suffix = randomBytes(4).toString('hex');
  const fromMigrations = withDatabase(opts.url, `fjord_check_${suffix}_migrations`);
  const fromSchema = withDatabase(opts.url, `fjord_check_${suffix}_schema`);
  const differ = await createSchemaDiffer({ url: opts.url });
  try {
    await migrateDatabase({ url: fromMigrations, migrationsDir });
    await ensureDatabase(fromSchema);
    const script = await differ.diffScript({ tag: 'empty' }, datamodelTarget(schema));
    await withClient(fromSchema, (c) => c.query(script));

    const differences = diffCatalogs(
      await withClient(fromMigrations, dumpCatalog),
      await withClient(fromSchema, dumpCatalog),
    );
    let isSnapshotStale = false;
    if (differences.length === 0) {
      const snapshotPath = path.join(migrationsDir, snapshotFileName);
      const snapshot = existsSync(snapshotPath) ? readFileSync(snapshotPath, 'utf8') : '';
      const sinceSnapshot = snapshot
        ? await differ.diffScript(datamodelTarget(snapshot), datamodelTarget(schema))
        : 'missing';
      isSnapshotStale = !isEmptyScript(sinceSnapshot);
    }
    return { ok: differences.length === 0 && !isSnapshotStale, differences, isSnapshotStale };
  } finally {
    differ.close();
    await dropDatabase(fromMigrations).catch(() => undefined);
    await dropDatabase(fromSchema).catch(() => undefined);
  }
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
