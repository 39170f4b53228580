import type { TRPCRouterRecord } from '@trpc/server';
import { createApiKeyProcedure } from './create';
import { listApiKeysProcedure } from './list';
import { revokeApiKeyProcedure } from './revoke';

export const apiKeysRouter = {
  list: listApiKeysProcedure,
  create: createApiKeyProcedure,
  revoke: revokeApiKeyProcedure,
} satisfies TRPCRouterRecord;
