import { parseArgs } from 'node:util';
import { getConfig } from '@fjord/config';
import { createQuotaService } from '@fjord/ingest';
import { requireOption, UsageError, withDb } from '../cli-context';

export const userQuotaHelp = `fjord user quota --email <email> [--storage-bytes <n|default>] [--uploads-per-day <n|default>] [--video-minutes-per-day <n|default>]
  Shows a user's quotas and today's usage (docs/adr/0021); with an option, overrides that limit for them
  (0 = unlimited, "default" = back to the QUOTA_* config default).`;

function parseOverride(name: string, value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'default') return null;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new UsageError(`--${name} takes a whole number ≥ 0 or "default".`);
  return n;
}

export async function runUserQuota(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      'storage-bytes': { type: 'string' },
      'uploads-per-day': { type: 'string' },
      'video-minutes-per-day': { type: 'string' },
    },
    strict: true,
  });
  const email = requireOption(values, 'email').toLowerCase();
  const storage = parseOverride('storage-bytes', values['storage-bytes']);
  const uploads = parseOverride('uploads-per-day', values['uploads-per-day']);
  const minutes = parseOverride('video-minutes-per-day', values['video-minutes-per-day']);
  const config = getConfig();
  const report = await withDb(async (db) => {
    const user = await db.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) throw new UsageError(`No user with the email ${email}.`);
    await db.user.update({
      where: { id: user.id },
      data: {
        ...(storage !== undefined ? { quotaStorageBytes: storage === null ? null : BigInt(storage) } : {}),
        ...(uploads !== undefined ? { quotaUploadsPerDay: uploads } : {}),
        ...(minutes !== undefined ? { quotaVideoMinutesPerDay: minutes } : {}),
      },
    });
    if ([storage, uploads, minutes].some((v) => v !== undefined)) {
      // As the console's admin.setUserQuota records it; the actor is the operator at the shell.
      const meta = { storageBytes: storage, uploadsPerDay: uploads, videoMinutesPerDay: minutes, via: 'cli' };
      await db.auditLog.create({
        data: { actorId: null, action: 'user.set-quota', targetType: 'user', targetId: user.id, meta },
      });
    }
    return createQuotaService({ db, config }).report(user.id);
  });
  if (!report) throw new UsageError(`No user with the email ${email}.`);
  const show = (limit: number, override: number | null) =>
    `${limit === 0 ? 'unlimited' : limit}${override === null ? ' (default)' : ''}`;
  const { limits, overrides, usage } = report;
  console.log(`Quotas of ${email}:`);
  console.log(
    `  storage bytes:        ${usage.storageBytes} used of ${show(limits.storageBytes, overrides.storageBytes)}`,
  );
  console.log(
    `  uploads today:        ${usage.uploadsToday} of ${show(limits.uploadsPerDay, overrides.uploadsPerDay)}`,
  );
  console.log(
    `  video minutes today:  ${usage.videoMinutesToday} of ${show(limits.videoMinutesPerDay, overrides.videoMinutesPerDay)}`,
  );
}
