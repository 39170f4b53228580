#!/usr/bin/env node
// Offline Prisma migrations (docs/adr/0001-prisma-offline-migrations.md).
//   deploy          apply pending migrations to DATABASE_DIRECT_URL, else DATABASE_URL (creating the
//                   database if missing; the direct URL bypasses PgBouncer: the runner's lock is per session)
//   create <name>   write prisma/migrations/<ts>_<name>/migration.sql from the schema change
//   check           CI drift check: migrations vs schema.prisma, compared in real databases
import { tsImport } from 'tsx/esm/api';

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/fjord';

const USAGE = `usage: node scripts/db-migrate.mjs <deploy | create <name> | check>`;

async function main(argv) {
  const [command, ...rest] = argv;
  const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || DEFAULT_URL;
  const migrate = await tsImport('@fjord/db/migrate', import.meta.url);
  const log = (message) => console.log(`[db] ${message}`);

  switch (command) {
    case 'deploy': {
      await migrate.migrateDatabase({ url, log });
      return 0;
    }
    case 'create': {
      const name = rest.filter((a) => !a.startsWith('-')).join('_');
      if (!name) {
        console.error(
          `${USAGE}\nGive the migration a name, e.g. npm run db:migrate:create -- add_media_tags`,
        );
        return 2;
      }
      const created = await migrate.createMigration({ name, url });
      if (!created) {
        console.log('[db] no changes: schema.prisma matches the migrations');
        return 0;
      }
      console.log(`[db] created ${created.dir}/migration.sql\n\n${created.sql}`);
      console.log('[db] review it, then apply it with `npm run db:migrate`');
      return 0;
    }
    case 'check': {
      const started = Date.now();
      const result = await migrate.checkMigrations({ url });
      if (result.ok) {
        console.log(`[db] migrations match schema.prisma (${Date.now() - started} ms)`);
        return 0;
      }
      if (result.differences.length > 0) {
        console.error('[db] schema.prisma and prisma/migrations disagree.');
        console.error('[db]   - only in a database built from the migrations');
        console.error('[db]   + only in a database built from schema.prisma');
        for (const line of result.differences) console.error(`    ${line}`);
        console.error('[db] If you changed schema.prisma, run: npm run db:migrate:create -- <name>');
      } else {
        console.error(
          '[db] the migrations match schema.prisma, but prisma/migrations/schema.snapshot.prisma does not.\n' +
            '[db] It must hold the schema of the newest migration: copy schema.prisma over it.',
        );
      }
      return 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  // The Wasm engine and pg pools leave timers armed; exit explicitly once the work is done.
  (code) => process.exit(code),
  (error) => {
    console.error(`[db] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
