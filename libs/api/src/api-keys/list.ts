import { listApiKeys } from '@fjord/auth';
import { authedProcedure } from '../trpc';

/** The signed-in user's API keys: prefix, scopes, last use; never the secret. */
export const listApiKeysProcedure = authedProcedure.query(async ({ ctx }) =>
  (await listApiKeys(ctx.services.db, ctx.user.id)).map((k) => ({
    ...k,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  })),
);
