// Tooling entry (`@fjord/db/migrate`): scripts and tests load this without the Prisma client.
export {
  migrateDatabase,
  type MigrateDatabaseOptions,
  type MigrateDatabaseResult,
  type MigrateLog,
} from './migrate-database';
export { checkMigrations, type CheckMigrationsOptions, type CheckMigrationsResult } from './check-migrations';
export { createMigration, type CreateMigrationOptions, type CreateMigrationResult } from './create-migration';
export {
  checksumMigration,
  defaultMigrationsDir,
  defaultSchemaPath,
  hashMigrations,
  readMigrations,
  type MigrationFile,
} from './migration-files';
export { databaseNameOf, dropDatabase, ensureDatabase, redactUrl, withDatabase } from './database-url';
