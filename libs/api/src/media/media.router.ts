import type { TRPCRouterRecord } from '@trpc/server';
import { byIdProcedure } from './by-id';
import { deleteProcedure } from './delete';
import { listProcedure } from './list';
import { statusProcedure } from './status';

export const mediaRouter = {
  byId: byIdProcedure,
  list: listProcedure,
  status: statusProcedure,
  delete: deleteProcedure,
} satisfies TRPCRouterRecord;
