import { AppError } from '@fjord/errors';
import { mediaJobId, type AdminQueueName, type JobSummary } from '@fjord/queue';
import { isUuid } from '../media/media-query.service';
import type { ApiServices } from '../services';
import { mediaIdOfJobId } from './media-admin.service';

type Deps = Pick<ApiServices, 'db' | 'admin' | 'reprocessMedia'>;

export type RetryOutcome = {
  /** 'job': the job itself was retried; 'flow': its media's flow was re-run; 'none': nothing to do. */
  mode: 'job' | 'flow' | 'none';
  mediaId: string | null;
  message: string;
};

/** Most failed jobs one "retry all" click handles; the console says when more remain. */
export const RETRY_ALL_LIMIT = 500;

/**
 * A failed child of a media flow whose parent already ran cannot help on its own: finalize went ahead
 * without it and the media is FAILED. Retrying it re-runs the media's flow (ADR 0003), once the flow
 * has finished (its notify step told the uploader). A child whose parent still waits for it, a flow
 * root, or a maintenance job is retried in place.
 */
export async function retryJobOrFlow(deps: Deps, jobId: string): Promise<RetryOutcome> {
  const { queueAdmin } = deps.admin;
  const current = await queueAdmin.getJobState(jobId);
  if (!current) throw new AppError('not_found', 'This job does not exist (it may have been cleaned up).');
  const mediaId = mediaIdOfJobId(jobId);
  if (current.state !== 'failed') {
    return { mode: 'none', mediaId, message: `The job is ${current.state}, not failed: nothing to retry.` };
  }
  if (mediaId && current.parentId) {
    const parent = await queueAdmin.getJobState(current.parentId);
    if (parent?.state !== 'waiting-children') {
      const root = await queueAdmin.getJobState(mediaJobId(mediaId, 'notify'));
      if (root && root.state !== 'completed' && root.state !== 'failed') {
        throw new AppError(
          'conflict',
          'Its flow is still finishing (the uploader has not been told the outcome yet); retry in a few seconds.',
        );
      }
      await deps.reprocessMedia(mediaId);
      return {
        mode: 'flow',
        mediaId,
        message: 'Its flow had already finished, so the whole flow runs again.',
      };
    }
  }
  await queueAdmin.retryJob(jobId);
  return { mode: 'job', mediaId, message: 'The job is waiting to run again.' };
}

export async function retryAllFailed(
  deps: Deps,
  queue: AdminQueueName,
): Promise<{ jobs: number; flows: number; remaining: boolean }> {
  const ids = await deps.admin.queueAdmin.listFailedJobIds(queue, RETRY_ALL_LIMIT + 1);
  const seenMedia = new Set<string>();
  let jobs = 0;
  let flows = 0;
  for (const id of ids.slice(0, RETRY_ALL_LIMIT)) {
    const mediaId = mediaIdOfJobId(id);
    if (mediaId && seenMedia.has(mediaId)) continue;
    const outcome = await retryJobOrFlow(deps, id).catch((err: unknown) => {
      // A job cleaned up or a flow still running meanwhile: skip it, keep going.
      if (err instanceof AppError && (err.code === 'not_found' || err.code === 'conflict')) return null;
      throw err;
    });
    if (outcome?.mode === 'flow' && mediaId) {
      seenMedia.add(mediaId);
      flows++;
    } else if (outcome?.mode === 'job') jobs++;
  }
  return { jobs, flows, remaining: ids.length > RETRY_ALL_LIMIT };
}

/** `q` is a job id, a media id, or (with an @) an owner's email: their newest media's flows. */
export async function searchJobsByQuery(deps: Deps, q: string): Promise<JobSummary[]> {
  const { queueAdmin } = deps.admin;
  if (q.includes('@')) {
    const media = await deps.db.media.findMany({
      where: { owner: { email: q.toLowerCase() } },
      orderBy: { createdAt: 'desc' },
      take: 20,
      select: { id: true },
    });
    return queueAdmin.searchJobs({ mediaIds: media.map((m) => m.id), limit: 100 });
  }
  if (isUuid(q)) return queueAdmin.searchJobs({ mediaIds: [q.toLowerCase()] });
  return queueAdmin.searchJobs({ jobId: q });
}
