import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Two tiers, told apart by file name (STYLE.md): *.test.ts are pure and fast,
// *.int.test.ts talk to the real Postgres, Redis, SMTP listener and sharp.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,libs}/**/*.test.ts', 'scripts/**/*.test.mjs'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        // apps/web's `@/` (its tsconfig paths), so int tests can call the real route modules.
        resolve: { alias: { '@/': fileURLToPath(new URL('./apps/web/src/', import.meta.url)) } },
        test: {
          name: 'int',
          include: ['{apps,libs}/**/*.int.test.ts', 'tests/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: true,
          maxWorkers: 2,
          // Runs after the unit project, so a fast failure shows before the slow tier starts.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
