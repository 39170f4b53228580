import type { Job } from 'bullmq';
import { IMAGE_VARIANTS, mediaJobId } from '@fjord/queue';
import { pidOfWorkerName, type BurstResult } from './scale-burst';

export type Check = { name: string; problems: string[]; info?: string };

/** Every media READY exactly once: renditions, notifications and emails counted against the uploads. */
export async function checkExactlyOnce(r: BurstResult): Promise<Check[]> {
  const { db, smtp, queues } = r.pipeline;
  const total = r.mediaIds.length;
  const checks: Check[] = [];

  const byStatus = await db.media.groupBy({ by: ['status'], _count: true });
  const ready = byStatus.find((s) => s.status === 'READY')?._count ?? 0;
  checks.push({
    name: `all ${total} media READY`,
    problems:
      ready === total ? [] : [`statuses: ${byStatus.map((s) => `${s.status} ${s._count}`).join(', ')}`],
  });

  // The unique indexes are what make a re-run finalize or notify harmless; check they exist, then
  // that the rows are exactly one per (media, variant) and one per (media, outcome).
  const indexes = await db.$queryRaw<{ indexdef: string }[]>`
    SELECT indexdef FROM pg_indexes WHERE tablename IN ('Rendition', 'Notification')`;
  const hasUnique = (table: string, cols: string) =>
    indexes.some(
      (i) =>
        i.indexdef.includes(`UNIQUE INDEX`) && i.indexdef.includes(`"${table}"`) && i.indexdef.includes(cols),
    );
  checks.push({
    name: 'unique indexes Rendition(mediaId, name) and Notification(mediaId, kind) exist',
    problems: [
      ...(hasUnique('Rendition', '("mediaId", name)') ? [] : ['no unique index on Rendition(mediaId, name)']),
      ...(hasUnique('Notification', '("mediaId", kind)')
        ? []
        : ['no unique index on Notification(mediaId, kind)']),
    ],
  });

  const renditions = await db.rendition.groupBy({ by: ['mediaId'], _count: true });
  const wrong = renditions.filter((g) => g._count !== IMAGE_VARIANTS.length);
  checks.push({
    name: `${IMAGE_VARIANTS.length} renditions per media, no duplicates`,
    problems: [
      ...(renditions.length === total ? [] : [`${renditions.length} media have renditions`]),
      ...wrong.slice(0, 5).map((g) => `media ${g.mediaId}: ${g._count} renditions`),
    ],
  });

  const finalize = await Promise.all(
    r.mediaIds.map((id) => queues.db.getJob(mediaJobId(id, 'finalize')) as Promise<Job | undefined>),
  );
  const notFinal = finalize.filter((j) => !j || j.returnvalue?.status !== 'READY' || !j.finishedOn);
  const rerun = finalize.filter((j) => j && j.attemptsStarted > 1).length;
  checks.push({
    name: 'one finalize per media, completed READY',
    problems: notFinal.length ? [`${notFinal.length} finalize jobs missing or not READY`] : [],
    info: `${rerun} finalize job(s) started more than once (harmless: one transaction, unique rows)`,
  });

  const notifications = await db.notification.findMany({
    select: { mediaId: true, kind: true, messageId: true, sentAt: true },
  });
  const expectedIds = new Set(r.mediaIds.map((id) => `<media-${id}-ready@fjord>`));
  checks.push({
    name: `one Notification row per media (${total}), each sent`,
    problems: [
      ...(notifications.length === total ? [] : [`${notifications.length} Notification rows`]),
      ...notifications
        .filter((n) => n.kind !== 'MEDIA_READY' || !n.sentAt)
        .slice(0, 5)
        .map((n) => `${n.mediaId}: ${n.kind} sent ${n.sentAt}`),
    ],
  });

  const messageIds = smtp.messages.map((m) => m.messageId ?? '(none)');
  const unique = new Set(messageIds);
  const unexpected = [...unique].filter((id) => !expectedIds.has(id));
  checks.push({
    name: `exactly ${total} emails on the SMTP listener, no duplicate Message-ID`,
    problems: [
      ...(messageIds.length === total ? [] : [`${messageIds.length} messages received`]),
      ...(unique.size === messageIds.length
        ? []
        : [`${messageIds.length - unique.size} duplicate Message-IDs`]),
      ...(unexpected.length ? [`unexpected Message-IDs: ${unexpected.slice(0, 3).join(', ')}`] : []),
    ],
  });
  return checks;
}

export type Share = { pid: number; jobs: number; share: number };

/** Who processed the retained completed jobs of a queue (BullMQ's job.processedBy → worker pid). */
export async function workShares(
  queue: BurstResult['pipeline']['queues']['transcode'],
  pids: number[],
): Promise<{ total: number; shares: Share[] }> {
  const jobs = await queue.getJobs(['completed'], 0, -1);
  const counts = new Map<number, number>(pids.map((pid) => [pid, 0]));
  for (const job of jobs) {
    const pid = pidOfWorkerName(job?.processedBy);
    if (pid !== undefined) counts.set(pid, (counts.get(pid) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return {
    total,
    shares: pids.map((pid) => ({
      pid,
      jobs: counts.get(pid) ?? 0,
      share: total ? (counts.get(pid) ?? 0) / total : 0,
    })),
  };
}

export const formatShares = (shares: Share[]) =>
  shares.map((s) => `${s.pid}: ${s.jobs} (${(s.share * 100).toFixed(0)} %)`).join(', ');

/**
 * Each transcode replica took at least half of a fair share (1/N). Competing consumers on one queue
 * pull a job whenever a slot frees up, so equal replicas end near 1/N each; half of it leaves room for
 * one replica starting a little later, while a replica that got no work (or all of it) fails.
 */
export async function checkSpread(r: BurstResult, exclude?: number): Promise<Check> {
  const pids = r.transcode.map((w) => w.child.pid!).filter((pid) => pid !== exclude);
  const { total, shares } = await workShares(
    r.pipeline.queues.transcode,
    r.transcode.map((w) => w.child.pid!),
  );
  const counted = shares.filter((s) => s.pid !== exclude);
  const floor = 0.5 / pids.length;
  const survivorsTotal = counted.reduce((a, s) => a + s.jobs, 0);
  return {
    name: `work spread over ${pids.length} transcode replica(s): each ≥ ${(floor * 100).toFixed(0)} % of the jobs`,
    problems: counted
      .filter((s) => (survivorsTotal ? s.jobs / survivorsTotal : 0) < floor)
      .map((s) => `replica ${s.pid} took ${s.jobs} of ${survivorsTotal}`),
    info: `${total} transcode jobs: ${formatShares(shares)}`,
  };
}

/** The jobs a SIGKILLed replica held ended completed: re-run by a survivor, or done just before the kill. */
export async function checkTakeover(r: BurstResult): Promise<Check> {
  const killed = r.killed!;
  const problems: string[] = [];
  let takenOver = 0;
  for (const id of killed.activeJobIds) {
    const job = await r.pipeline.queues.transcode.getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (!job || state !== 'completed') {
      problems.push(`${id}: ${state}`);
      continue;
    }
    const by = pidOfWorkerName(job.processedBy);
    if (by !== killed.pid && job.attemptsStarted >= 2) takenOver++;
    else if (!(by === killed.pid && (job.finishedOn ?? Infinity) <= killed.killedAt)) {
      problems.push(`${id}: completed by ${by} after ${job.attemptsStarted} start(s)`);
    }
  }
  const stuck = await r.pipeline.queues.transcode.getJobCounts('active', 'waiting', 'delayed', 'failed');
  for (const [state, n] of Object.entries(stuck)) if (n > 0) problems.push(`${n} transcode job(s) ${state}`);
  return {
    name: 'the killed replica’s jobs were taken over; none left active, waiting or failed',
    problems,
    info: `${takenOver} of ${killed.activeJobIds.length} job(s) in hand re-run by a survivor`,
  };
}
