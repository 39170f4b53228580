import { parseArgs } from 'node:util';
import { getConfig } from '@fjord/config';
import { defaultMigrationsDir, migrateDatabase } from '@fjord/db/migrate';

export const dbMigrateHelp = `fjord db migrate [--dir <migrations directory>]
  Applies pending migrations to DATABASE_DIRECT_URL, or DATABASE_URL when unset (creating the database
  if missing). Safe to run from several places at once: runs hold Prisma's migration lock, a
  session-level advisory lock, so point DATABASE_DIRECT_URL at Postgres itself when DATABASE_URL goes
  through PgBouncer in transaction mode. Used by the Docker "migrate" service and the Kubernetes Job.`;

export async function runDbMigrate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' } }, strict: true });
  await migrateDatabase({
    url: getConfig().DATABASE_DIRECT_URL ?? getConfig().DATABASE_URL,
    migrationsDir: values.dir ?? defaultMigrationsDir,
    log: (message) => console.log(`[db] ${message}`),
  });
}
