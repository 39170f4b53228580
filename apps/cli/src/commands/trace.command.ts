import { getConfig } from '@fjord/config';
import { AppError } from '@fjord/errors';
import { buildMediaTimeline, formatMediaTimeline } from '@fjord/ingest';
import { createQueues } from '@fjord/queue';
import { UsageError, withDb } from '../cli-context';

export const traceHelp = `fjord trace <mediaId> [--json]
  One timeline of the media across the services: ingest, each job's wait, run and attempts (while
  Redis keeps the job, 24 h after it completed), the commit, the email and every webhook attempt, from
  Postgres and BullMQ. The admin console's media page shows the same timeline.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function runTrace(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const [mediaId, ...extra] = args.filter((a) => a !== '--json');
  if (!mediaId || extra.length > 0) throw new UsageError('Usage: fjord trace <mediaId> [--json]');
  if (!UUID.test(mediaId)) throw new UsageError(`"${mediaId}" is not a media id (a UUID).`);
  const queues = createQueues(getConfig());
  try {
    const timeline = await withDb((db) => buildMediaTimeline({ db, queues }, mediaId));
    if (!timeline) throw new AppError('not_found', `No media with the id ${mediaId}.`);
    console.log(json ? JSON.stringify(timeline, null, 2) : formatMediaTimeline(timeline));
  } finally {
    await queues.close();
  }
}
