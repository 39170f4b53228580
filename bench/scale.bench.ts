import { prepareTemplateDatabase } from '@fjord/testing';
// The scale bench times the burst tests/scale runs (both system tests; `tests` is no package to import by name).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { formatThroughput, runScaleThroughput } from '../tests/scale/scale-throughput';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureServices } from '../scripts/services.mjs';

/**
 * The same burst of small image uploads with 1, then 2 transcode replicas (the real worker
 * entrypoints, real Postgres/Redis/SMTP): transcode jobs/s and the ratio to the 1-replica baseline.
 * Correctness of each burst is checked too (tests/scale); a failed check fails the bench.
 */
export async function runScaleBench({ uploads }: { uploads: number }): Promise<void> {
  await ensureServices();
  await prepareTemplateDatabase();
  const { rows, checks } = await runScaleThroughput({ uploads, log: () => undefined });
  console.log(formatThroughput(rows));
  const failed = checks.filter((c) => c.problems.length > 0);
  if (failed.length > 0) {
    throw new Error(`scale bench: ${failed.map((c) => `${c.name}: ${c.problems.join('; ')}`).join('\n')}`);
  }
}
