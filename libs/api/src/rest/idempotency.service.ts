import { createHash } from 'node:crypto';
import { Prisma, type DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A row still unanswered after this is a crashed request's lock: a retry may take it over. */
const ABANDONED_AFTER_MS = 5 * 60 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export type StoredResponse = { status: number; body: string; headers: Record<string, string> };

export type IdempotencyBegin =
  | { kind: 'replay'; response: StoredResponse }
  | {
      kind: 'proceed';
      complete(response: StoredResponse): Promise<void>;
      /** Lets a retry run again (after a server-side failure, which is not the client's answer). */
      release(): Promise<void>;
    };

/** sha256 of what a request means: method, path, and its parts in a stable order (not multipart framing). */
export function hashRequestParts(method: string, path: string, parts: [string, string][]): string {
  const hash = createHash('sha256').update(`${method}\n${path}\n`);
  for (const [name, value] of [...parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${name.length}:${name}=${value.length}:${value}\n`);
  }
  return hash.digest('hex');
}

export function assertIdempotencyKey(key: string): void {
  if (!KEY_RE.test(key)) {
    throw new AppError('bad_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
  }
}

/**
 * Stripe-style idempotency in Postgres (ADR 0005): the unique (apiKeyId, route, key) row is both the lock
 * for concurrent duplicates and the stored first response; a different body under the same key is refused.
 * `route` is "<METHOD> <path>", so the same key on two routes (or two resources) names two requests.
 */
export function createIdempotencyStore(deps: { db: DbClient; now?: () => Date }) {
  const now = () => deps.now?.() ?? new Date();

  async function begin(input: {
    apiKeyId: string;
    route: string;
    key: string;
    requestHash: string;
  }): Promise<IdempotencyBegin> {
    assertIdempotencyKey(input.key);
    const where = {
      apiKeyId_route_key: { apiKeyId: input.apiKeyId, route: input.route, key: input.key },
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const at = now();
      try {
        const row = await deps.db.idempotencyKey.create({
          data: { ...input, expiresAt: new Date(at.getTime() + IDEMPOTENCY_TTL_MS) },
          select: { id: true },
        });
        return {
          kind: 'proceed',
          complete: async (res) => {
            await deps.db.idempotencyKey.update({
              where: { id: row.id },
              data: { responseStatus: res.status, responseBody: res.body, responseHeaders: res.headers },
            });
          },
          release: async () => {
            await deps.db.idempotencyKey.deleteMany({ where: { id: row.id, responseStatus: null } });
          },
        };
      } catch (err) {
        if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
      }
      const existing = await deps.db.idempotencyKey.findUnique({ where });
      if (!existing) continue; // released or expired in between: try to take it again
      const isExpired = existing.expiresAt <= at;
      const isAbandoned =
        existing.responseStatus === null && at.getTime() - existing.createdAt.getTime() > ABANDONED_AFTER_MS;
      if (isExpired || isAbandoned) {
        await deps.db.idempotencyKey.deleteMany({ where: { id: existing.id } });
        continue;
      }
      if (existing.requestHash !== input.requestHash) {
        throw new AppError(
          'unprocessable',
          'This Idempotency-Key was already used with a different request; use a new key for a new request.',
        );
      }
      if (existing.responseStatus === null || existing.responseBody === null) {
        throw new AppError(
          'conflict',
          'A request with this Idempotency-Key is still being processed; retry in a moment.',
        );
      }
      return {
        kind: 'replay',
        response: {
          status: existing.responseStatus,
          body: existing.responseBody,
          headers: (existing.responseHeaders ?? {}) as Record<string, string>,
        },
      };
    }
    throw new AppError('conflict', 'This Idempotency-Key is contended; retry in a moment.');
  }

  /** Drops rows past their 24 h; run from a periodic job. */
  async function deleteExpired(): Promise<number> {
    return (await deps.db.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now() } } })).count;
  }

  return { begin, deleteExpired };
}
export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
