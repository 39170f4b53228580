// vitest globalSetup of the `int` project: services up, template database current, old leftovers gone.
// scripts/ is not a project: the launcher, `npm test` and this setup share one provisioning script.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureServices } from '../../../scripts/services.mjs';
import { dropStaleTestDatabases, prepareTemplateDatabase } from './test-database';

export default async function setup(): Promise<() => Promise<void>> {
  const started = Date.now();
  await ensureServices();
  const template = await prepareTemplateDatabase();
  const stale = await dropStaleTestDatabases();
  console.log(
    `[testing] template database ${template}${stale.length ? `, dropped ${stale.length} stale test databases` : ''} (${Date.now() - started} ms)`,
  );
  // Each test file drops its own database; services stay up for the next run.
  return async () => undefined;
}
