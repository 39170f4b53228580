import { parseArgs } from 'node:util';
import { normalizeEmail } from '@fjord/auth';
import { getConfig } from '@fjord/config';
import { AppError } from '@fjord/errors';
import { openUserErasure } from '@fjord/ingest';
import { createQueues } from '@fjord/queue';
import { createBlobStore } from '@fjord/storage';
import { requireOption, UsageError, withDb } from '../cli-context';

export const userEraseHelp = `fjord user erase --email <email> --yes
  Erases the account and everything of it: media, renditions, originals, unfinished uploads, queued jobs,
  notifications and outbox mail, webhooks, API keys, sessions, invites (docs/adr/0018). The audit log keeps
  the actions without the person. Cannot be undone. Running it again finishes an erasure that was cut off.`;

const quiet = { debug() {}, info() {}, warn: console.warn, error: console.error };

export async function runUserErase(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, yes: { type: 'boolean' } },
    strict: true,
  });
  const email = normalizeEmail(requireOption(values, 'email'));
  if (!values.yes) throw new UsageError('Erasure cannot be undone: add --yes to confirm.');
  const config = getConfig();
  const queues = createQueues(config);
  try {
    const result = await withDb(async (db) => {
      const user = await db.user.findUnique({ where: { email }, select: { id: true } });
      if (!user) throw new AppError('not_found', `No user with the email ${email}.`);
      const erasure = openUserErasure({
        config,
        db,
        queues,
        storage: createBlobStore(config),
        logger: quiet,
      });
      try {
        return await erasure.eraseUser({ userId: user.id });
      } finally {
        await erasure.close();
      }
    });
    console.log(
      `Erased ${email}: ${result.media} media, ${result.uploads} unfinished uploads, ${result.outboxFiles} outbox mails.`,
    );
  } finally {
    await queues.close();
  }
}
