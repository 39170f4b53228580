import { PrismaPg } from '@prisma/adapter-pg';
import { SpanKind, withSpan } from '@fjord/observability';
import { PrismaClient } from './generated/prisma/client';

export type DbClient = PrismaClient;

/**
 * One client per process; the pg pool inside reuses connections across jobs and requests. Every
 * operation (inside transactions too) is a client span `db <Model>.<operation>`, a child of the active
 * job or request span (ADR 0022); with tracing off the span is the API's no-op.
 */
export function createDbClient(opts: { url: string; max?: number }): DbClient {
  const adapter = new PrismaPg({ connectionString: opts.url, max: opts.max ?? 10 });
  return withQuerySpans(new PrismaClient({ adapter }));
}

/** A span per Prisma operation: the model and operation, never the arguments (they hold user data). */
export function withQuerySpans(client: PrismaClient): DbClient {
  const extended = client.$extends({
    query: {
      $allOperations({ model, operation, args, query }) {
        const name = model ? `${model}.${operation}` : operation;
        const attributes = {
          'db.system.name': 'postgresql',
          'db.operation.name': operation,
          ...(model ? { 'db.collection.name': model } : {}),
        };
        return withSpan(`db ${name}`, { kind: SpanKind.CLIENT, attributes }, () => query(args));
      },
    },
  });
  // The extension changes no method's signature; the client type the rest of the code knows stays.
  return extended as unknown as DbClient;
}

/** A readiness probe's check: Postgres answers a `SELECT 1` (the caller bounds how long it waits). */
export async function isDatabaseReachable(db: Pick<DbClient, '$queryRaw'>): Promise<boolean> {
  await db.$queryRaw`SELECT 1`;
  return true;
}
