import { scryptSync, timingSafeEqual } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { readMigrations, withDatabase } from '@fjord/db/migrate';
import { createTestDatabase, testServerUrl, type TestDatabase } from './test-database';
import { createTestUser, TEST_PASSWORD } from './test-user';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  try {
    return Boolean((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount);
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('gives a database with every committed migration applied', async () => {
    const rows = await a.db.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`;
    expect(rows.map((r) => r.migration_name)).toEqual(readMigrations().map((m) => m.name));
    expect(await a.db.media.count()).toBe(0);
  });

  it('gives each caller its own database', async () => {
    expect(a.url).not.toBe(b.url);
    await createTestUser(a.db);
    expect(await a.db.user.count()).toBe(1);
    expect(await b.db.user.count()).toBe(0);
  });

  it('drop() removes the database even with the client still connected', async () => {
    const t = await createTestDatabase();
    await t.db.user.count(); // opens a pooled connection
    const name = new URL(t.url).pathname.slice(1);
    expect(await databaseExists(name)).toBe(true);
    await t.drop();
    expect(await databaseExists(name)).toBe(false);
  });
});

describe('createTestUser', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.drop());

  it('stores an scrypt hash of TEST_PASSWORD in the shared format', async () => {
    const user = await createTestUser(t.db, { role: 'ADMIN' });
    expect(user.password).toBe(TEST_PASSWORD);
    expect(user.role).toBe('ADMIN');
    const [scheme, n, r, p, salt, hash] = user.passwordHash.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '5']);
    const expected = Buffer.from(hash ?? '', 'base64');
    const actual = scryptSync(TEST_PASSWORD, Buffer.from(salt ?? '', 'base64'), 64, { N: 16384, r: 8, p: 5 });
    expect(expected.length).toBe(64);
    expect(timingSafeEqual(actual, expected)).toBe(true);
  });

  it('makes unique emails, and honours an override', async () => {
    const [x, y] = await Promise.all([
      createTestUser(t.db),
      createTestUser(t.db, { email: 'named@test.fjord.local' }),
    ]);
    expect(x.email).not.toBe(y.email);
    expect(y.email).toBe('named@test.fjord.local');
  });
});
