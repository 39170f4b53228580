import { randomBytes } from 'node:crypto';
import pg from 'pg';
// Test helpers build real data clients; this util lib is only ever imported by tests.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDbClient, type DbClient } from '@fjord/db';
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  dropDatabase,
  hashMigrations,
  migrateDatabase,
  readMigrations,
  withDatabase,
} from '@fjord/db/migrate';

/**
 * The template is named after the migration history's hash, so checkouts with different migrations (two
 * branches, two worktrees) can run their suites against one server at the same time without rebuilding
 * each other's template.
 */
export function templateDatabaseName(): string {
  templateName ??= `fjord_test_tpl_${hashMigrations(readMigrations()).slice(0, 16)}`;
  return templateName;
}
let templateName: string | undefined;
const TEST_DATABASE_PREFIX = 'fjord_t_';
/** Serializes template (re)creation across concurrent test runs on one server. */
const TEMPLATE_LOCK_KEY = 4_711_001;
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;
/** fjord_t_<creation time, base 36>_<random hex> */
const TEST_DATABASE_NAME = /^fjord_t_([0-9a-z]+)_[0-9a-f]{8}$/;

export type TestDatabase = { url: string; db: DbClient; drop(): Promise<void> };

/** The server tests use: DATABASE_URL's, or the default local one. */
export function testServerUrl(): string {
  return process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/fjord';
}

async function withServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Makes sure the template holds exactly the committed migrations. The migration history's hash
 * lives in the database comment, so the template is rebuilt only when a migration was added or edited.
 */
export async function prepareTemplateDatabase(): Promise<'reused' | 'rebuilt'> {
  const expected = `fjord-migrations:${hashMigrations(readMigrations())}`;
  const template = templateDatabaseName();
  return withServer(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      const found = await client.query<{ comment: string | null }>(
        "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
        [template],
      );
      if (found.rows[0]?.comment === expected) return 'reused';
      const templateUrl = withDatabase(testServerUrl(), template);
      await dropDatabase(templateUrl);
      await migrateDatabase({ url: templateUrl });
      await client.query(`COMMENT ON DATABASE "${template}" IS '${expected}'`);
      return 'rebuilt';
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
}

/** Drops test databases left behind by runs that crashed hours ago (names carry their creation time). */
export async function dropStaleTestDatabases(): Promise<string[]> {
  const names = await withServer(
    async (client) => (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows,
  );
  const stale = names
    .map((r) => TEST_DATABASE_NAME.exec(r.datname))
    .filter((m): m is RegExpExecArray => m !== null && Date.now() - parseInt(m[1] ?? '', 36) > STALE_AFTER_MS)
    .map((m) => m[0]);
  for (const name of stale) await dropDatabase(withDatabase(testServerUrl(), name));
  return stale;
}

/** A fresh, fully migrated database copied from the template (milliseconds, not a migration run). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withServer(async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabaseName()}"`);
        return;
      } catch (error) {
        // 55006: the template had a session open for a moment (another run checking it); try again.
        if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  });
  const url = withDatabase(testServerUrl(), name);
  const db = createDbClient({ url, max: 4 });
  let dropped = false;
  return {
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect();
      await dropDatabase(url);
    },
  };
}
