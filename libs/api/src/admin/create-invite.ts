import { createInvite, inviteSignupUrl } from '@fjord/auth';
import { z } from 'zod';
import { adminProcedure } from '../trpc';

export const CreateInviteInputSchema = z.object({
  email: z.email('Please enter a valid email address.').max(254),
});
export type CreateInviteInput = z.infer<typeof CreateInviteInputSchema>;

/** A single-use sign-up link for one address (SIGNUP_MODE=invite); the link is shown only this once. */
export const createInviteProcedure = adminProcedure
  .input(CreateInviteInputSchema)
  .mutation(async ({ ctx, input }) => {
    const { config, db } = ctx.services;
    const invite = await createInvite({
      db,
      email: input.email,
      ttlMs: config.INVITE_TTL_HOURS * 3600 * 1000,
      createdById: ctx.user.id,
    });
    await ctx.audit({
      action: 'invite.create',
      targetType: 'invite',
      targetId: invite.id,
      meta: { email: invite.email, expiresAt: invite.expiresAt.toISOString() },
    });
    return {
      id: invite.id,
      email: invite.email,
      expiresAt: invite.expiresAt,
      url: inviteSignupUrl(config.FJORD_PUBLIC_URL, invite),
    };
  });
