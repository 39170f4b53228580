import { parseArgs } from 'node:util';
import { createInvite, inviteSignupUrl } from '@fjord/auth';
import { getConfig } from '@fjord/config';
import { requireOption, withDb } from '../cli-context';

export const userInviteHelp = `fjord user invite --email <email>
  Prints a single-use sign-up link for <email> (SIGNUP_MODE=invite), valid INVITE_TTL_HOURS (default 168).
  Only a hash of the link's token is stored: the link is shown this once.`;

export async function runUserInvite(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' } }, strict: true });
  const email = requireOption(values, 'email');
  const config = getConfig();
  const invite = await withDb((db) =>
    createInvite({ db, email, ttlMs: config.INVITE_TTL_HOURS * 3600 * 1000 }),
  );
  console.log(`Invite for ${invite.email}, valid until ${invite.expiresAt.toISOString()}:`);
  console.log(inviteSignupUrl(config.FJORD_PUBLIC_URL, invite));
  if (config.SIGNUP_MODE !== 'invite') {
    console.warn(
      `Note: SIGNUP_MODE is ${config.SIGNUP_MODE}; the web app asks for invites only when it is "invite".`,
    );
  }
}
