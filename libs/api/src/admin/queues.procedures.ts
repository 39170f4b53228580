import { AppError } from '@fjord/errors';
import { mediaFlowJobIds } from '@fjord/queue';
import { z } from 'zod';
import { adminProcedure } from '../trpc';
import {
  AuditInputSchema,
  JobIdInputSchema,
  ListJobsInputSchema,
  SearchJobsInputSchema,
} from './admin.schemas';
import { listAudit } from './audit-log.service';
import { searchJobsByQuery } from './job-admin.service';
import { getMediaHistory } from './media-history.service';

/** Read-only views of the queues: the console polls these. */
export const queueReadProcedures = {
  overview: adminProcedure.query(({ ctx }) => ctx.services.admin.queueAdmin.overview()),

  jobs: adminProcedure
    .input(ListJobsInputSchema)
    .query(({ ctx, input }) => ctx.services.admin.queueAdmin.listJobs(input)),

  search: adminProcedure
    .input(SearchJobsInputSchema)
    .query(({ ctx, input }) => searchJobsByQuery(ctx.services, input.q)),

  job: adminProcedure.input(JobIdInputSchema).query(async ({ ctx, input }) => {
    const job = await ctx.services.admin.queueAdmin.getJob(input.id);
    if (!job) throw new AppError('not_found', 'This job does not exist (it may have been cleaned up).');
    return job;
  }),

  /** The flow tree of a job, or of a media (from its notify root, or whatever of the flow is left). */
  flow: adminProcedure
    .input(z.union([z.object({ jobId: z.string().min(1).max(200) }), z.object({ mediaId: z.uuid() })]))
    .query(async ({ ctx, input }) => {
      const { queueAdmin } = ctx.services.admin;
      const candidates = 'jobId' in input ? [input.jobId] : mediaFlowJobIds(input.mediaId);
      for (const id of candidates) {
        const tree = await queueAdmin.getFlow(id);
        if (tree) return tree;
      }
      throw new AppError(
        'not_found',
        'No jobs of this flow are left in Redis; see the media history instead.',
      );
    }),

  workers: adminProcedure.query(({ ctx }) => ctx.services.admin.queueAdmin.workers()),

  /** Steal, iowait, load, pressure and disk latency per host, with a warning when they stay high. */
  hosts: adminProcedure.query(({ ctx }) => ctx.services.admin.queueAdmin.hosts()),

  /** Whether Redis persists and never evicts: the console shows a banner when it can lose work. */
  broker: adminProcedure.query(({ ctx }) => ctx.services.admin.queueAdmin.brokerDurability()),

  audit: adminProcedure.input(AuditInputSchema).query(({ ctx, input }) => listAudit(ctx.services.db, input)),

  history: adminProcedure
    .input(
      z.object({
        sinceHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 90)
          .default(24),
      }),
    )
    .query(({ ctx, input }) => getMediaHistory(ctx.services.db, input.sinceHours)),
};
