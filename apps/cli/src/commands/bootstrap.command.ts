import { ensureAdmin } from '@fjord/auth';
import { getConfig } from '@fjord/config';
import { withDb } from '../cli-context';

export const bootstrapHelp = `fjord bootstrap
  Makes sure the admin account FJORD_ADMIN_EMAIL exists (role ADMIN).
  Uses FJORD_ADMIN_PASSWORD when set; otherwise generates a password and prints it once.`;

export async function runBootstrap(): Promise<void> {
  const config = getConfig();
  const result = await withDb((db) =>
    ensureAdmin({ db, email: config.FJORD_ADMIN_EMAIL, password: config.FJORD_ADMIN_PASSWORD }),
  );
  if (!result.created) {
    console.log(`Admin ${result.user.email} already exists; nothing changed.`);
    return;
  }
  if (result.generatedPassword) {
    const line = '='.repeat(64);
    console.log(
      [
        line,
        `  Created the admin account ${result.user.email}`,
        `  Password: ${result.generatedPassword}`,
        '  This is shown only once. Store it now, then change it.',
        line,
      ].join('\n'),
    );
  } else {
    console.log(
      `Created the admin account ${result.user.email} with the password from FJORD_ADMIN_PASSWORD.`,
    );
  }
}
