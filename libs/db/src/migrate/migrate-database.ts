import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase, redactUrl } from './database-url';
import { defaultMigrationsDir, readMigrations, type MigrationFile } from './migration-files';

export type MigrateLog = (message: string) => void;

export type MigrateDatabaseOptions = {
  url: string;
  log?: MigrateLog;
  /** Defaults to libs/db/prisma/migrations. */
  migrationsDir?: string;
  /** Create the database when it is missing (default true). */
  createDatabase?: boolean;
};

export type MigrateDatabaseResult = { applied: string[]; createdDatabase: boolean };

/** The key `prisma migrate` itself locks on, so our runner and Prisma's CLI never interleave. */
const MIGRATION_LOCK_KEY = 72707369;

// Prisma's own bookkeeping table, column for column, so `prisma migrate status` can read our history.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

/**
 * Applies the committed migrations that the database has not seen, oldest first, each in its own
 * transaction, under an advisory lock so several processes starting at once apply each migration once.
 */
export async function migrateDatabase(opts: MigrateDatabaseOptions): Promise<MigrateDatabaseResult> {
  const log = opts.log ?? (() => undefined);
  const migrations = readMigrations(opts.migrationsDir ?? defaultMigrationsDir);
  const createdDatabase = opts.createDatabase === false ? false : await ensureDatabase(opts.url);
  if (createdDatabase) log(`created database ${redactUrl(opts.url)}`);

  const client = new pg.Client({ connectionString: opts.url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const rows = (
      await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      )
    ).rows;
    assertNoUnresolvedFailure(rows);
    const applied = new Map(
      rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r.checksum]),
    );
    warnAboutHistory(migrations, applied, log);

    const pending = migrations.filter((m) => !applied.has(m.name));
    for (const migration of pending) {
      await applyMigration(client, migration);
      log(`applied migration ${migration.name}`);
    }
    if (pending.length === 0) log(`database is up to date (${migrations.length} migrations)`);
    return { applied: pending.map((m) => m.name), createdDatabase };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

async function applyMigration(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, clock_timestamp(), 0)',
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg sends it as a simple query, so a script of many statements runs as one.
    await client.query(migration.sql);
    await client.query(
      'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    // Keep an audit row the way Prisma does, marked rolled back: the transaction undid every step, so a
    // fixed migration can simply be deployed again.
    await client
      .query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp(), 0)',
        [randomUUID(), migration.checksum, migration.name, reason],
      )
      .catch(() => undefined);
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${reason}`, { cause: error });
  }
}

/** A row that started and neither finished nor rolled back was left by a crash or by Prisma's CLI. */
function assertNoUnresolvedFailure(rows: AppliedRow[]): void {
  const failed = rows.find((r) => !r.finished_at && !r.rolled_back_at);
  if (!failed) return;
  throw new Error(
    `Migration ${failed.migration_name} started earlier but never finished. Check the database by hand, then mark it ` +
      `rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}' ` +
      'AND finished_at IS NULL) and deploy again.',
  );
}

function warnAboutHistory(migrations: MigrationFile[], applied: Map<string, string>, log: MigrateLog): void {
  const local = new Set(migrations.map((m) => m.name));
  for (const m of migrations) {
    const checksum = applied.get(m.name);
    if (checksum && checksum !== m.checksum) {
      log(
        `warning: migration ${m.name} was edited after it was applied (checksum differs); it is not re-run`,
      );
    }
  }
  for (const name of applied.keys()) {
    if (!local.has(name))
      log(`warning: the database has migration ${name}, which is not in the migrations folder`);
  }
}
