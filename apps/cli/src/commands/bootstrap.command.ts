import { parseArgs } from 'node:util';
import { ensureAdmin } from '@fjord/auth';
import { getConfig } from '@fjord/config';
import { withDb } from '../cli-context';

export const bootstrapHelp = `fjord bootstrap [--promote-existing]
  Makes sure the admin account FJORD_ADMIN_EMAIL exists (role ADMIN).
  Uses FJORD_ADMIN_PASSWORD when set; otherwise generates a password and prints it once.
  An existing non-admin account with that email is left alone (a warning, exit code 0): sign-up may be
  open, so it may belong to anyone. --promote-existing makes it an admin (its password is kept).`;

export async function runBootstrap(args: string[] = []): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'promote-existing': { type: 'boolean', default: false } },
    strict: true,
  });
  const config = getConfig();
  const result = await withDb((db) =>
    ensureAdmin({
      db,
      email: config.FJORD_ADMIN_EMAIL,
      password: config.FJORD_ADMIN_PASSWORD,
      promoteExisting: values['promote-existing'],
    }),
  );
  const { email } = result.user;
  switch (result.outcome) {
    case 'already-admin':
      console.log(`Admin ${email} already exists; nothing changed.`);
      return;
    case 'promoted':
      console.log(
        `Made the existing account ${email} an admin (--promote-existing); its password is unchanged.`,
      );
      return;
    case 'not-promoted':
      // Exit 0 on purpose: `npm start` and the compose migrate service must still come up.
      console.warn(
        [
          `WARNING: an account ${email} already exists and is NOT an admin; bootstrap changed nothing.`,
          '  Someone may have signed up with that address before you. Check who owns it, then either',
          '  run `fjord bootstrap --promote-existing` or set FJORD_ADMIN_EMAIL to another address.',
        ].join('\n'),
      );
      return;
    case 'created':
      break;
  }
  if (result.generatedPassword) {
    const line = '='.repeat(64);
    console.log(
      [
        line,
        `  Created the admin account ${email}`,
        `  Password: ${result.generatedPassword}`,
        '  This is shown only once. Store it now, then change it.',
        line,
      ].join('\n'),
    );
  } else {
    console.log(`Created the admin account ${email} with the password from FJORD_ADMIN_PASSWORD.`);
  }
}
