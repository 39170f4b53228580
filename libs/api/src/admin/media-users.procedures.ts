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
import { buildMediaTimeline, createQuotaService } from '@fjord/ingest';

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
