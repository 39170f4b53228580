import { describe, expect, it } from 'vitest';
import type { DbClient } from '@fjord/db';
import { JobLockLostError, STALLED_TOO_OFTEN_MESSAGE, type Job } from '@fjord/queue';
import { createFinalizeProcessor, describeFailures } from './finalize-media.processor';

describe('describeFailures', () => {
  it('keeps the children’s human reasons, once each', () => {
    expect(
      describeFailures(['The image file is corrupt or truncated', 'The image file is corrupt or truncated ']),
    ).toBe('The image file is corrupt or truncated');
    expect(describeFailures(['A', 'B'])).toBe('A; B');
  });
  it("translates BullMQ's stall backstop into a sentence (never its own text)", () => {
    expect(describeFailures(['job stalled more than allowable limit'])).toBe(STALLED_TOO_OFTEN_MESSAGE);
  });
  it('falls back to a general sentence when no reason survived', () => {
    expect(describeFailures([])).toBe('Processing could not be completed');
    expect(describeFailures(['  '])).toBe('Processing could not be completed');
  });
});

describe('finalize after its lock was lost', () => {
  it('records nothing: no transition, no transaction, no event, no webhook', async () => {
    const writes: string[] = [];
    const mediaId = '00000000-0000-4000-8000-000000000001';
    const db = {
      media: {
        findUnique: async () => ({ status: 'PROCESSING', variantsTotal: 1 }),
        updateMany: async () => (writes.push('media.updateMany'), { count: 1 }),
      },
      rendition: { findMany: async () => [] },
      $transaction: async () => writes.push('$transaction'),
    } as unknown as DbClient;
    const result = {
      variant: 'thumb-webp',
      format: 'webp',
      mimeType: 'image/webp',
      width: 1,
      height: 1,
      bytes: 1,
      storageKey: `media/${mediaId}/r/thumb-webp.s1.webp`,
      sourceWidth: 1,
      sourceHeight: 1,
    };
    // A woken worker's job: its token no longer holds the lock, so extendLock answers 0.
    const job = {
      id: `media.${mediaId}.finalize`,
      token: 'stale-token',
      extendLock: async () => 0,
      getChildrenValues: async () => ({ child: result }),
      getIgnoredChildrenFailures: async () => ({}),
      log: async () => 0,
    } as unknown as Job;
    const processor = createFinalizeProcessor({
      db,
      storage: {
        delete: async () => void writes.push('storage.delete'),
        deletePrefix: async () => void writes.push('storage.deletePrefix'),
      },
      events: { publish: async () => void writes.push('publish') },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      emitWebhook: async () => writes.push('webhook'),
    });
    await expect(processor.process({ v: 1, mediaId }, job)).rejects.toBeInstanceOf(JobLockLostError);
    expect(writes).toEqual([]);
  });
});
