import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName, runWorker } from '@fjord/queue';
import { verifyWebhookSignature } from '@fjord/sdk';
import { createReadyMedia, createTestUser, silentLogger, waitFor } from '@fjord/testing';
import { createWebhookService, emitMediaWebhookEvent, sealWebhookSecrets } from '@fjord/webhooks';
import { createDeliverWebhookProcessor } from './deliver-webhook.processor';
import { startWebhookWorld, type WebhookWorld } from './test/webhook-world';

let world: WebhookWorld;
let failuresLeft = 0;

beforeAll(async () => {
  world = await startWebhookWorld({
    env: { WEBHOOK_ATTEMPTS: '4', WEBHOOK_BACKOFF_MS: '100' },
    concurrency: 2,
    timeoutMs: 2000,
    respond: (_req, res) => {
      res.statusCode = failuresLeft-- > 0 ? 500 : 200;
      res.end('ok');
    },
  });
});

afterAll(async () => {
  await world?.close();
});

describe('webhook delivery', () => {
  it('retries after two failures, signs every request, logs each attempt and redelivers on request', async () => {
    const { database, config, queues, secrets, url: receiverUrl, received } = world;
    const user = await createTestUser(database.db);
    const service = createWebhookService({ db: database.db, queues, config, secrets });
    const { endpoint, secret } = await service.createEndpoint({
      userId: user.id,
      url: receiverUrl,
      events: ['media.ready'],
    });
    // Stored sealed: neither the row nor anything else in the table holds the secret.
    const [row] = await database.db.$queryRaw<{ json: string }[]>`
      SELECT row_to_json(e)::text AS json FROM "WebhookEndpoint" e WHERE id = ${endpoint.id}::uuid`;
    expect(row!.json).not.toContain(secret);
    expect(row!.json).not.toContain(secret.slice(6));
    expect(row!.json).toContain(`"secretCiphertext":"fjs1:${secrets.keyId}:`);
    const media = await createReadyMedia(database.db, { ownerId: user.id });
    failuresLeft = 2;
    const start = received.length;

    expect(
      await emitMediaWebhookEvent(
        { db: database.db, queues, config },
        { event: 'media.ready', mediaId: media.id },
      ),
    ).toBe(1);
    // A retried finalize emits again: still one delivery.
    await emitMediaWebhookEvent(
      { db: database.db, queues, config },
      { event: 'media.ready', mediaId: media.id },
    );

    const deliveries = await waitFor(
      async () => {
        const list = await service.listDeliveries(user.id, endpoint.id);
        return list[0]?.status === 'SUCCEEDED' ? list : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.log.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(deliveries[0]!.log.every((a) => a.durationMs >= 0)).toBe(true);

    const got = received.slice(start);
    expect(got).toHaveLength(3);
    for (const r of got) {
      expect(r.headers['fjord-event']).toBe('media.ready');
      expect(r.headers['fjord-event-id']).toBe(`media.ready.${media.id}`);
      expect(
        verifyWebhookSignature({ secret, header: r.headers['fjord-signature'] as string, body: r.body }),
      ).toBe(true);
      expect(
        verifyWebhookSignature({
          secret: 'whsec_wrong',
          header: r.headers['fjord-signature'] as string,
          body: r.body,
        }),
      ).toBe(false);
    }
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      type: 'media.ready',
      data: { id: media.id, status: 'READY' },
    });

    await service.redeliver(user.id, deliveries[0]!.id);
    await waitFor(async () => (received.length === start + 4 ? true : undefined), { timeoutMs: 10_000 });
    await waitFor(async () => {
      const [d] = await service.listDeliveries(user.id, endpoint.id);
      return d?.log.length === 4 && d.status === 'SUCCEEDED' ? d : undefined;
    });

    const stranger = await createTestUser(database.db);
    await expect(service.redeliver(stranger.id, deliveries[0]!.id)).rejects.toThrow(/does not exist/);
  });

  it('refuses private targets without WEBHOOK_ALLOW_PRIVATE, at registration and at delivery (no retries)', async () => {
    const { database, config, queues, secrets, worker, url: receiverUrl, received } = world;
    const user = await createTestUser(database.db);
    const strict = createWebhookService({
      db: database.db,
      queues,
      config: { ...config, WEBHOOK_ALLOW_PRIVATE: false },
      secrets,
    });
    await expect(
      strict.createEndpoint({ userId: user.id, url: receiverUrl, events: ['media.ready'] }),
    ).rejects.toThrow(/private, loopback or reserved/);

    // Registered while allowed, delivered by a worker that is not: refused before any connection.
    const { endpoint } = await createWebhookService({
      db: database.db,
      queues,
      config,
      secrets,
    }).createEndpoint({
      userId: user.id,
      url: receiverUrl.replace('127.0.0.1', '[::ffff:127.0.0.1]'),
      events: ['media.ready'],
    });
    const strictWorker = await runWorker({
      queueName: QueueName.webhooks,
      processor: createDeliverWebhookProcessor({
        db: database.db,
        secrets,
        logger: silentLogger,
        allowPrivate: false,
        timeoutMs: 2000,
      }),
      concurrency: 1,
      config,
      logger: silentLogger,
    });
    await worker.worker.pause();
    try {
      const before = received.length;
      const media = await createReadyMedia(database.db, { ownerId: user.id });
      await emitMediaWebhookEvent(
        { db: database.db, queues, config },
        { event: 'media.ready', mediaId: media.id },
      );
      const [d] = await waitFor(
        async () => {
          const list = await strict.listDeliveries(user.id, endpoint.id);
          return list[0]?.status === 'FAILED' ? list : undefined;
        },
        { timeoutMs: 10_000 },
      );
      expect(d!.attempts).toBe(1);
      expect(d!.log[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/private/) });
      expect(received.length).toBe(before);
    } finally {
      await strictWorker.close();
      worker.worker.resume();
    }
  });

  it('seals a plaintext secret left from before encryption at boot; its deliveries still verify', async () => {
    const { database, config, queues, secrets, url: receiverUrl, received } = world;
    const user = await createTestUser(database.db);
    const legacySecret = 'whsec_legacyplaintextsecret0123456789';
    const legacy = await database.db.webhookEndpoint.create({
      data: { userId: user.id, url: receiverUrl, events: ['media.ready'], secretCiphertext: legacySecret },
    });
    expect(await sealWebhookSecrets({ db: database.db, secrets })).toMatchObject({ sealed: 1, rotated: 0 });
    expect(await sealWebhookSecrets({ db: database.db, secrets })).toEqual({
      sealed: 0,
      rotated: 0,
      unreadable: 0,
    });
    const stored = await database.db.webhookEndpoint.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(stored.secretCiphertext).toMatch(/^fjs1:/);
    expect(stored.secretCiphertext).not.toContain(legacySecret.slice(6));

    const before = received.length;
    const media = await createReadyMedia(database.db, { ownerId: user.id });
    await emitMediaWebhookEvent(
      { db: database.db, queues, config },
      { event: 'media.ready', mediaId: media.id },
    );
    const got = await waitFor(async () => received.slice(before).find((r) => r.body.includes(media.id)), {
      timeoutMs: 10_000,
    });
    expect(
      verifyWebhookSignature({
        secret: legacySecret,
        header: got.headers['fjord-signature'] as string,
        body: got.body,
      }),
    ).toBe(true);
  });
});
