import { AppError } from '@fjord/errors';
import { adminProcedure } from '../trpc';
import {
  ListAllMediaInputSchema,
  ListUsersInputSchema,
  MediaIdInputSchema,
  SetDisabledInputSchema,
  SetRoleInputSchema,
  UserIdInputSchema,
} from './admin.schemas';
import { listAllMedia } from './media-admin.service';
import { listApiKeys, listUsers, revokeAnyApiKey, setUserDisabled, setUserRole } from './users-admin.service';
import { z } from 'zod';
import {
  acquireBulkReprocessLease,
  buildMediaTimeline,
  createQuotaService,
  formatBulkReprocessPreview,
  previewBulkPresetRender,
  previewBulkReprocess,
  runBulkPresetRender,
  runBulkReprocess,
} from '@fjord/ingest';

const PresetInputSchema = z.object({
  preset: z.string().min(1).max(64),
  /** `eager`: only the preset's /img cache renders (IMAGE_EAGER_PRESETS), no flows (docs/adr/0027). */
  mode: z.enum(['flows', 'eager']).default('flows'),
});
const BulkReprocessInputSchema = PresetInputSchema.extend({
  /** The preview's cutoff: the run takes exactly the images the confirmed preview counted. */
  before: z.iso.datetime(),
});
/** Media a second a console-started bulk reprocess queues (the CLI's --rate default). */
const CONSOLE_REPROCESS_RATE = 5;

/** An override: a number (0 = unlimited), null = back to the config default, absent = unchanged. */
const quotaOverride = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional();
const SetQuotaInputSchema = z.object({
  id: z.uuid(),
  storageBytes: quotaOverride,
  uploadsPerDay: quotaOverride.refine((n) => n == null || n <= 2_147_483_647, 'at most 2147483647'),
  videoMinutesPerDay: quotaOverride.refine((n) => n == null || n <= 2_147_483_647, 'at most 2147483647'),
});

export const mediaAdminProcedures = {
  media: adminProcedure
    .input(ListAllMediaInputSchema)
    .query(({ ctx, input }) => listAllMedia(ctx.services.db, input)),

  /** The timeline `fjord trace <mediaId>` prints (one builder, @fjord/ingest buildMediaTimeline). */
  mediaTimeline: adminProcedure.input(MediaIdInputSchema).query(async ({ ctx, input }) => {
    const timeline = await buildMediaTimeline(ctx.services, input.id);
    if (!timeline) throw new AppError('not_found', 'This media does not exist.');
    return timeline;
  }),

  reprocessMedia: adminProcedure.input(MediaIdInputSchema).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.reprocessMedia(input.id);
    await ctx.audit({
      action: 'media.reprocess',
      targetType: 'media',
      targetId: input.id,
      meta: result,
    });
    return result;
  }),

  /** "N images, ~X CPU-minutes" for a preset's bulk reprocess (docs/adr/0027); changes nothing. */
  reprocessPreview: adminProcedure.input(PresetInputSchema).query(async ({ ctx, input }) => {
    const { db, queues, config } = ctx.services;
    const deps = { db, queues, presets: config.imagePresets, eagerPresets: config.IMAGE_EAGER_PRESETS };
    const preview =
      input.mode === 'eager'
        ? await previewBulkPresetRender(deps, input)
        : await previewBulkReprocess(deps, input);
    const { sample: _sample, ...rest } = preview;
    return {
      ...rest,
      mode: input.mode,
      before: preview.before.toISOString(),
      text: formatBulkReprocessPreview(preview),
    };
  }),

  /**
   * The confirmed preview: queued in the background at a bounded rate, audited with its count and mode.
   * One bulk run at a time, of either mode (a Redis lease, with the CLI's): CONFLICT while another goes.
   */
  bulkReprocess: adminProcedure.input(BulkReprocessInputSchema).mutation(async ({ ctx, input }) => {
    const { db, queues, config, reprocessMedia } = ctx.services;
    const eagerPresets = config.IMAGE_EAGER_PRESETS;
    const deps = { db, queues, presets: config.imagePresets, reprocessMedia, eagerPresets, config };
    const before = new Date(input.before);
    const { mode } = input;
    const { images } =
      mode === 'eager'
        ? await previewBulkPresetRender(deps, { preset: input.preset, before })
        : await previewBulkReprocess(deps, { preset: input.preset, before });
    const lease = await acquireBulkReprocessLease({ queues, prefix: config.QUEUE_PREFIX }, input.preset);
    try {
      await ctx.audit({
        action: 'media.bulk-reprocess',
        targetType: 'preset',
        targetId: input.preset,
        meta: { images, before: input.before, mode },
      });
    } catch (err) {
      // Not audited, not run: the preset is free again at once.
      await lease.release();
      throw err;
    }
    // Resumable by its cutoff (the CLI's --before), so a web restart mid-run loses nothing.
    // Its end is audited too, so a run that stopped part-way (Redis away at enqueue) is seen, not lost.
    const ended = (outcome: 'done' | 'failed', meta: Record<string, unknown>) =>
      ctx
        .audit({
          action: `media.bulk-reprocess-${outcome}`,
          targetType: 'preset',
          targetId: input.preset,
          meta: { ...meta, mode },
        })
        .catch(() => undefined);
    const run = { preset: input.preset, before, ratePerSecond: CONSOLE_REPROCESS_RATE };
    const running =
      mode === 'eager'
        ? runBulkPresetRender({ ...deps, lease }, run)
        : runBulkReprocess({ ...deps, lease }, run);
    void running.then(
      (result) => ended('done', { ...result, before: input.before }),
      (err: unknown) =>
        ended('failed', {
          before: input.before,
          reason: (err instanceof Error ? err.message : String(err)).slice(0, 300),
        }),
    );
    return { images, before: input.before, ratePerSecond: CONSOLE_REPROCESS_RATE, mode };
  }),

  deleteMedia: adminProcedure.input(MediaIdInputSchema).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.deleteMedia(input.id);
    await ctx.audit({
      action: 'media.delete',
      targetType: 'media',
      targetId: input.id,
      meta: result,
    });
    return result;
  }),
};

export const userAdminProcedures = {
  users: adminProcedure
    .input(ListUsersInputSchema)
    .query(({ ctx, input }) => listUsers(ctx.services.db, input)),

  setRole: adminProcedure.input(SetRoleInputSchema).mutation(async ({ ctx, input }) => {
    const result = await setUserRole(ctx.services.db, { actorId: ctx.user.id, ...input });
    await ctx.audit({
      action: 'user.set-role',
      targetType: 'user',
      targetId: input.id,
      meta: { role: input.role, changed: result.changed },
    });
    return result;
  }),

  setDisabled: adminProcedure.input(SetDisabledInputSchema).mutation(async ({ ctx, input }) => {
    const result = await setUserDisabled(ctx.services.db, { actorId: ctx.user.id, ...input });
    await ctx.audit({
      action: input.isDisabled ? 'user.disable' : 'user.enable',
      targetType: 'user',
      targetId: input.id,
      meta: { changed: result.changed },
    });
    return result;
  }),

  /** GDPR erasure by an admin; the service writes its own audit entry, without the person in it. */
  eraseUser: adminProcedure.input(UserIdInputSchema).mutation(async ({ ctx, input }) => {
    if (input.id === ctx.user.id) {
      throw new AppError('bad_request', 'Delete your own account from Settings, with your password.');
    }
    const result = await ctx.services.eraseUser({ userId: input.id, actorId: ctx.user.id });
    if (!result.erased) throw new AppError('not_found', 'This user does not exist.');
    return result;
  }),

  /** A user's quotas (docs/adr/0021): effective limits, their overrides, today's usage. */
  userQuota: adminProcedure.input(UserIdInputSchema).query(async ({ ctx, input }) => {
    const report = await createQuotaService(ctx.services).report(input.id);
    if (!report) throw new AppError('not_found', 'This user does not exist.');
    return report;
  }),

  setUserQuota: adminProcedure.input(SetQuotaInputSchema).mutation(async ({ ctx, input }) => {
    const { id, storageBytes, uploadsPerDay, videoMinutesPerDay } = input;
    const { count } = await ctx.services.db.user.updateMany({
      where: { id },
      data: {
        ...(storageBytes !== undefined
          ? { quotaStorageBytes: storageBytes === null ? null : BigInt(storageBytes) }
          : {}),
        ...(uploadsPerDay !== undefined ? { quotaUploadsPerDay: uploadsPerDay } : {}),
        ...(videoMinutesPerDay !== undefined ? { quotaVideoMinutesPerDay: videoMinutesPerDay } : {}),
      },
    });
    if (count === 0) throw new AppError('not_found', 'This user does not exist.');
    await ctx.audit({
      action: 'user.set-quota',
      targetType: 'user',
      targetId: id,
      meta: { storageBytes, uploadsPerDay, videoMinutesPerDay },
    });
    const report = await createQuotaService(ctx.services).report(id);
    if (!report) throw new AppError('not_found', 'This user does not exist.');
    return report;
  }),

  apiKeys: adminProcedure
    .input(z.object({ userId: z.uuid().optional() }))
    .query(({ ctx, input }) => listApiKeys(ctx.services.db, input)),

  revokeApiKey: adminProcedure.input(UserIdInputSchema).mutation(async ({ ctx, input }) => {
    const result = await revokeAnyApiKey(ctx.services.db, input.id);
    await ctx.audit({
      action: 'api-key.revoke',
      targetType: 'api-key',
      targetId: input.id,
      meta: result,
    });
    return result;
  }),
};
