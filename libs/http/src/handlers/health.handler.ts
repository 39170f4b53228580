import type { Health } from '@fjord/api';
import type { DbClient } from '@fjord/db';
import { waitUntilReady, type Queues } from '@fjord/queue';

const TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, label: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${label} timed out`)), TIMEOUT_MS).unref(),
    ),
  ]);
}

async function check(fn: () => Promise<unknown>, label: string): Promise<'ok' | 'down'> {
  try {
    await withTimeout(fn(), label);
    return 'ok';
  } catch {
    return 'down';
  }
}

/** live: the process answers; deliberately touches no dependency (that is ready). */
export function healthLive(): Response {
  const body: Health = { status: 'ok' };
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
}

/** ready: this process can reach Postgres and Redis, so it can take uploads. */
export function createHealthHandlers(deps: { db: DbClient; queues: Pick<Queues, 'connection'> }) {
  return {
    async ready(): Promise<Response> {
      const [db, redis] = await Promise.all([
        check(() => deps.db.$queryRaw`SELECT 1`, 'postgres'),
        // The producer connection has no offline queue: wait for it to be up rather than fail a fresh process.
        check(async () => {
          await waitUntilReady(deps.queues.connection, TIMEOUT_MS);
          await deps.queues.connection.ping();
        }, 'redis'),
      ]);
      const isReady = db === 'ok' && redis === 'ok';
      const body: Health = { status: isReady ? 'ok' : 'unavailable', checks: { db, redis } };
      return Response.json(body, { status: isReady ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
    },
  };
}
