import { AppError } from '@fjord/errors';
import { adminProcedure } from '../trpc';
import { CleanQueueInputSchema, JobIdInputSchema, QueueInputSchema } from './admin.schemas';
import { retryAllFailed, retryJobOrFlow } from './job-admin.service';

/** Every action is idempotent (a second click changes nothing) and lands in the audit log. */
export const jobActionProcedures = {
  retryJob: adminProcedure.input(JobIdInputSchema).mutation(async ({ ctx, input }) => {
    const outcome = await retryJobOrFlow(ctx.services, input.id);
    await ctx.audit({
      action: 'job.retry',
      targetType: 'job',
      targetId: input.id,
      meta: { mode: outcome.mode, mediaId: outcome.mediaId },
    });
    return outcome;
  }),

  retryAllFailed: adminProcedure.input(QueueInputSchema).mutation(async ({ ctx, input }) => {
    const result = await retryAllFailed(ctx.services, input.queue);
    await ctx.audit({
      action: 'queue.retry-all-failed',
      targetType: 'queue',
      targetId: input.queue,
      meta: result,
    });
    return result;
  }),

  removeJob: adminProcedure.input(JobIdInputSchema).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.admin.queueAdmin.removeJob(input.id);
    if (result.state === 'active') throw new AppError('conflict', result.message);
    await ctx.audit({
      action: 'job.remove',
      targetType: 'job',
      targetId: input.id,
      meta: { changed: result.changed },
    });
    return result;
  }),

  promoteJob: adminProcedure.input(JobIdInputSchema).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.admin.queueAdmin.promoteJob(input.id);
    if (!result) throw new AppError('not_found', 'This job does not exist (it may have been cleaned up).');
    await ctx.audit({
      action: 'job.promote',
      targetType: 'job',
      targetId: input.id,
      meta: { changed: result.changed },
    });
    return result;
  }),

  pauseQueue: adminProcedure.input(QueueInputSchema).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.admin.queueAdmin.setPaused(input.queue, true);
    await ctx.audit({
      action: 'queue.pause',
      targetType: 'queue',
      targetId: input.queue,
      meta: { changed: result.changed },
    });
    return result;
  }),

  resumeQueue: adminProcedure.input(QueueInputSchema).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.admin.queueAdmin.setPaused(input.queue, false);
    await ctx.audit({
      action: 'queue.resume',
      targetType: 'queue',
      targetId: input.queue,
      meta: { changed: result.changed },
    });
    return result;
  }),

  cleanQueue: adminProcedure.input(CleanQueueInputSchema).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.admin.queueAdmin.clean({
      queue: input.queue,
      state: input.state,
      olderThanMs: input.olderThanMinutes * 60_000,
    });
    await ctx.audit({
      action: 'queue.clean',
      targetType: 'queue',
      targetId: input.queue,
      meta: { state: input.state, olderThanMinutes: input.olderThanMinutes, removed: result.removed },
    });
    return result;
  }),
};
