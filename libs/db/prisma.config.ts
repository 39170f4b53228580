import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Read by the Prisma CLI (generate), not by Fjord's processes, so it cannot use @fjord/config.
  // eslint-disable-next-line no-restricted-properties
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/fjord' },
});
