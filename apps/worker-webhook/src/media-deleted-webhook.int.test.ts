import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestService, createMediaDeletion } from '@fjord/ingest';
import {
  createMediaEventPublisher,
  createMediaFlowEnqueuer,
  createQueueAdmin,
  mediaFlowJobIds,
} from '@fjord/queue';
import { verifyWebhookSignature } from '@fjord/sdk';
import { createBlobStore } from '@fjord/storage';
import { createTestUser, silentLogger, waitFor } from '@fjord/testing';
import { createWebhookService } from '@fjord/webhooks';
import { startWebhookWorld, type WebhookWorld } from './test/webhook-world';

const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let world: WebhookWorld;

beforeAll(async () => {
  // Only the webhook worker runs: the media's flow stays pending in Redis.
  world = await startWebhookWorld({ timeoutMs: 2000 });
});

afterAll(async () => {
  await world?.close();
});

describe('media deletion', () => {
  it('removes the pending flow’s jobs and the blobs, and delivers a signed media.deleted webhook', async () => {
    const { database, config, queues, secrets, url: receiverUrl, received } = world;
    const db = database.db;
    const storage = createBlobStore(config);
    const enqueuer = createMediaFlowEnqueuer({ config, queues });
    const events = createMediaEventPublisher(config);
    const queueAdmin = createQueueAdmin({ queues, prefix: config.QUEUE_PREFIX });
    try {
      const ingest = createIngestService({ db, storage, enqueuer, config, logger: silentLogger });
      const deleteMedia = createMediaDeletion({
        db,
        storage,
        events,
        queueAdmin,
        queues,
        config,
        logger: silentLogger,
      });
      const user = await createTestUser(db);
      const { secret } = await createWebhookService({ db, queues, config, secrets }).createEndpoint({
        userId: user.id,
        url: receiverUrl,
        events: ['media.deleted'],
      });
      const media = await ingest.ingestUpload({ ownerId: user.id, filename: 'a.png', body: TINY_PNG });
      const { storageKey } = await db.media.findUniqueOrThrow({ where: { id: media.id } });
      const states = async () =>
        Promise.all(mediaFlowJobIds(media.id).map(async (id) => (await queueAdmin.getJobState(id))?.state));
      expect((await states()).filter(Boolean).length).toBeGreaterThanOrEqual(2);
      expect(await storage.stat(storageKey)).not.toBeNull();

      expect(await deleteMedia(media.id)).toEqual({ deleted: true, removedJobs: expect.any(Number) });
      expect(await states()).toEqual(mediaFlowJobIds(media.id).map(() => undefined));
      expect(await queues.transcode.count()).toBe(0);
      expect(await db.media.findUnique({ where: { id: media.id } })).toBeNull();
      expect(await storage.stat(storageKey)).toBeNull();

      const hook = await waitFor(() => received.find((r) => r.headers['fjord-event'] === 'media.deleted'), {
        timeoutMs: 10_000,
      });
      expect(hook.headers['fjord-event-id']).toBe(`media.deleted.${media.id}`);
      expect(
        verifyWebhookSignature({
          secret,
          header: hook.headers['fjord-signature'] as string,
          body: hook.body,
        }),
      ).toBe(true);
      expect(JSON.parse(hook.body)).toMatchObject({
        type: 'media.deleted',
        data: { id: media.id, kind: 'IMAGE', status: 'QUEUED' },
      });
      // A second delete finds nothing and emits nothing more.
      expect(await deleteMedia(media.id)).toEqual({ deleted: false, removedJobs: 0 });
    } finally {
      await Promise.allSettled([enqueuer.close(), events.close(), queueAdmin.close()]);
    }
  });
});
