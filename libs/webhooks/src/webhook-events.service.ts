import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import {
  WebhookEventPayloadSchema,
  deliverWebhookJob,
  jobOf,
  webhookJobId,
  type Queues,
  type WebhookEvent,
} from '@fjord/queue';
import { findSignedPlayback, type StreamSigner } from './media-streams.service';

export type WebhookQueueConfig = Pick<Config, 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_BACKOFF_MS'>;

export async function enqueueWebhookDelivery(
  deps: { queues: Pick<Queues, 'webhooks'>; config: WebhookQueueConfig },
  deliveryId: string,
  round = 0,
): Promise<void> {
  const job = jobOf(
    deliverWebhookJob,
    deps.config,
    { v: 1, deliveryId },
    { jobId: webhookJobId(deliveryId, round) },
  );
  await deps.queues.webhooks.add(job.name, job.data, job.opts);
}

/** The media as it was, for events emitted after its row is gone (media.deleted). */
export type MediaSnapshot = {
  id: string;
  ownerId: string;
  kind: 'IMAGE' | 'VIDEO';
  status: 'UPLOADED' | 'QUEUED' | 'PROCESSING' | 'READY' | 'FAILED';
  error: string | null;
  finishedAt: Date | null;
};

/**
 * Records one delivery per subscribed endpoint of the media's owner and queues them. Idempotent: the
 * delivery is unique per (endpoint, eventId) and its job id is derived from it, so a retried finalize
 * neither duplicates rows nor jobs.
 */
export async function emitMediaWebhookEvent(
  deps: {
    db: DbClient;
    queues: Pick<Queues, 'webhooks'>;
    config: WebhookQueueConfig;
    /** Given: a video's media.ready carries signed stream URLs (docs/adr/0016-cmaf-ladder.md). */
    streamSigner?: StreamSigner;
  },
  input: { event: WebhookEvent; mediaId: string; snapshot?: MediaSnapshot },
): Promise<number> {
  const media =
    input.snapshot ??
    (await deps.db.media.findUnique({
      where: { id: input.mediaId },
      select: { id: true, ownerId: true, kind: true, status: true, error: true, finishedAt: true },
    }));
  if (!media) return 0;
  const endpoints = await deps.db.webhookEndpoint.findMany({
    where: { userId: media.ownerId, disabledAt: null, events: { has: input.event } },
    select: { id: true },
  });
  if (endpoints.length === 0) return 0;
  const eventId = `${input.event}.${media.id}`;
  const playback =
    input.event === 'media.ready' && media.kind === 'VIDEO' && deps.streamSigner
      ? await findSignedPlayback({ ...deps.streamSigner, db: deps.db, mediaId: media.id })
      : null;
  const payload = WebhookEventPayloadSchema.parse({
    id: eventId,
    type: input.event,
    createdAt: (media.finishedAt ?? new Date()).toISOString(),
    data: {
      id: media.id,
      kind: media.kind,
      status: media.status,
      error: media.error,
      ...(playback ?? {}),
    },
  });

  await deps.db.webhookDelivery.createMany({
    data: endpoints.map((e) => ({ endpointId: e.id, eventId, event: input.event, payload })),
    skipDuplicates: true,
  });
  const deliveries = await deps.db.webhookDelivery.findMany({
    where: { eventId, endpointId: { in: endpoints.map((e) => e.id) }, status: 'PENDING' },
    select: { id: true },
  });
  for (const d of deliveries) await enqueueWebhookDelivery(deps, d.id);
  return deliveries.length;
}
