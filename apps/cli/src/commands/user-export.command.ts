import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { normalizeEmail } from '@fjord/auth';
import { getConfig } from '@fjord/config';
import { AppError } from '@fjord/errors';
import { createUserExport } from '@fjord/ingest';
import { createBlobStore } from '@fjord/storage';
import { requireOption, withDb } from '../cli-context';

export const userExportHelp = `fjord user export --email <email> --out <file.tar>
  Writes everything Fjord holds about the account as a tar: account.json (account, media metadata,
  renditions, webhooks without secrets, API keys without secrets, sessions, audit events about them) and
  every original and rendition (docs/adr/0018). Streamed: any size exports in constant memory.`;

export async function runUserExport(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const email = normalizeEmail(requireOption(values, 'email'));
  const out = requireOption(values, 'out');
  const config = getConfig();
  const temp = `${out}.partial`;
  await withDb(async (db) => {
    const user = await db.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) throw new AppError('not_found', `No user with the email ${email}.`);
    const archive = await createUserExport({ db, storage: createBlobStore(config) })(user.id);
    try {
      await pipeline(archive, createWriteStream(temp, { mode: 0o600 }));
      await rename(temp, out);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  });
  console.log(`Exported ${email} to ${out} (${(await stat(out)).size} bytes).`);
}
