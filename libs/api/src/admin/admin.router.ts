import type { TRPCRouterRecord } from '@trpc/server';
import { createInviteProcedure } from './create-invite';
import { jobActionProcedures } from './job-actions.procedures';
import { mediaAdminProcedures, userAdminProcedures } from './media-users.procedures';
import { queueReadProcedures } from './queues.procedures';

/** The /admin console: every procedure is an adminProcedure (ADMIN role checked on the server). */
export const adminRouter = {
  ...queueReadProcedures,
  ...jobActionProcedures,
  ...mediaAdminProcedures,
  ...userAdminProcedures,
  createInvite: createInviteProcedure,
} satisfies TRPCRouterRecord;
