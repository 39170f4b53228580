import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadyMedia, createTestUser, waitFor } from '@fjord/testing';
import { createWebhookService, emitMediaWebhookEvent } from '@fjord/webhooks';
import { startWebhookWorld, type WebhookWorld } from './test/webhook-world';

const TIMEOUT_MS = 500;

/**
 * What the target does with the next requests, one fault per request, then 200s:
 * `stall` reads the request and never answers; `reset-mid-response` sends a 200 status line and part of
 * the body, then destroys the socket; `reset-before-response` destroys it without a byte of reply.
 */
type TargetFault = 'stall' | 'reset-mid-response' | 'reset-before-response';

let world: WebhookWorld;
const planned: TargetFault[] = [];
const requests: { eventId: string; fault: TargetFault | 'none' }[] = [];

beforeAll(async () => {
  world = await startWebhookWorld({
    env: { WEBHOOK_ATTEMPTS: '5', WEBHOOK_BACKOFF_MS: '100', WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) },
    concurrency: 2,
    respond: (req, res) => {
      const fault = planned.shift() ?? 'none';
      requests.push({ eventId: String(req.headers['fjord-event-id']), fault });
      if (fault === 'stall') return;
      if (fault === 'reset-before-response') return void req.socket.destroy();
      if (fault === 'reset-mid-response') {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('partial', () => req.socket.destroy());
        return;
      }
      res.end('ok');
    },
  });
});

afterAll(async () => {
  await world?.close();
});

/** One endpoint, one READY media, its media.ready event; resolves with the delivery once it is final. */
async function deliverThrough(faults: TargetFault[]) {
  const { database, config, queues, secrets, url } = world;
  const user = await createTestUser(database.db);
  const service = createWebhookService({ db: database.db, queues, config, secrets });
  const { endpoint } = await service.createEndpoint({
    userId: user.id,
    url,
    events: ['media.ready'],
  });
  const media = await createReadyMedia(database.db, { ownerId: user.id });
  planned.push(...faults);
  const started = Date.now();
  await emitMediaWebhookEvent(
    { db: database.db, queues, config },
    { event: 'media.ready', mediaId: media.id },
  );
  const delivery = await waitFor(
    async () => {
      const [d] = await service.listDeliveries(user.id, endpoint.id);
      return d && d.status !== 'PENDING' ? d : undefined;
    },
    { timeoutMs: 20_000, message: 'the delivery ends SUCCEEDED or FAILED' },
  );
  const eventId = `media.ready.${media.id}`;
  return { delivery, ms: Date.now() - started, seen: requests.filter((r) => r.eventId === eventId) };
}

describe('webhook delivery against a faulty target', () => {
  it('a target that stalls: each attempt ends at WEBHOOK_TIMEOUT_MS, retried with backoff, delivered on recovery', async () => {
    const { delivery, seen } = await deliverThrough(['stall', 'stall']);
    expect(delivery.status).toBe('SUCCEEDED');
    expect(delivery.attempts).toBe(3);
    expect(delivery.log.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, null, `timed out after ${TIMEOUT_MS} ms`],
      [2, null, `timed out after ${TIMEOUT_MS} ms`],
      [3, 200, null],
    ]);
    for (const stalled of delivery.log.slice(0, 2)) {
      expect(stalled.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(stalled.durationMs).toBeLessThan(TIMEOUT_MS + 1_000);
    }
    // Exponential backoff (100 ms, then 200 ms) between the attempts, on top of each attempt's timeout.
    const [a1, a2, a3] = delivery.log.map((a) => a.createdAt.getTime());
    expect(a2! - a1!).toBeGreaterThanOrEqual(100 + TIMEOUT_MS - 50);
    expect(a3! - a2!).toBeGreaterThanOrEqual(200);
    expect(seen.map((r) => r.fault)).toEqual(['stall', 'stall', 'none']);
  });

  it('a target that resets mid-response: the cut-short 200 counts as failed, the retry delivers', async () => {
    const { delivery, seen } = await deliverThrough(['reset-mid-response', 'reset-before-response']);
    expect(delivery.status).toBe('SUCCEEDED');
    expect(delivery.log.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, null, 'connection lost mid-response (HTTP 200, reply cut short)'],
      [2, null, 'socket hang up'],
      [3, 200, null],
    ]);
    expect(seen.map((r) => r.fault)).toEqual(['reset-mid-response', 'reset-before-response', 'none']);
  });

  it('a target that never recovers: WEBHOOK_ATTEMPTS bounded attempts, then FAILED', async () => {
    const { delivery, ms } = await deliverThrough(['stall', 'stall', 'stall', 'stall', 'stall']);
    expect(delivery.status).toBe('FAILED');
    expect(delivery.attempts).toBe(5);
    expect(delivery.log).toHaveLength(5);
    expect(delivery.log.every((a) => a.error === `timed out after ${TIMEOUT_MS} ms`)).toBe(true);
    // ~4 s (5 × 500 ms + 100 + 200 + 400 + 800 ms of backoff), not 5 × a stalled target's patience;
    // the margin is for a loaded machine.
    expect(ms).toBeLessThan(20_000);
  });
});
