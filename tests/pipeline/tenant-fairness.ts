import { Readable } from 'node:stream';
import sharp from 'sharp';
import { createTestUser } from '@fjord/testing';
import type { Pipeline } from './pipeline-harness';

/**
 * Fair scheduling between tenants, measured (docs/adr/0021): user B's single upload → READY, idle, then
 * again right after user A's burst was accepted. Uploads go through the real ingest (Postgres, storage,
 * flow in Redis) and the real workers; shared by tests/pipeline/tenant-fairness.int.test.ts and the
 * bench row `tenant-fairness`.
 */
export type FairnessResult = {
  /** B's idle upload → READY, each run (ms). */
  idleMs: number[];
  /** B's upload → READY right after A's burst, each run (ms). */
  underBurstMs: number[];
  /** How many of A's media were not READY yet when B's was, each run: the burst was really in the way. */
  burstPendingWhenBReady: number[];
  burstSize: number;
};

/** A small image with real pixels (noise), so each variant costs a real, small encode. */
export async function noiseJpeg(side: number, seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(side * side * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = x >>> 24;
  }
  return sharp(raw, { raw: { width: side, height: side, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function readyAfter(p: Pipeline, mediaId: string, startedAt: number, timeoutMs: number) {
  for (;;) {
    const media = await p.db.media.findUnique({ where: { id: mediaId }, select: { status: true } });
    if (media?.status === 'READY') return performance.now() - startedAt;
    if (media?.status === 'FAILED') throw new Error(`media ${mediaId} FAILED`);
    if (performance.now() - startedAt > timeoutMs)
      throw new Error(`media ${mediaId} not READY in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function measureTenantFairness(
  p: Pipeline,
  opts: { burstSize: number; runs: number; side?: number; lanes?: number; timeoutMs?: number },
): Promise<FairnessResult> {
  const side = opts.side ?? 160;
  const lanes = opts.lanes ?? 16;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const userA = await createTestUser(p.db, { email: `burst-${Date.now()}@fjord.test` });
  const userB = await createTestUser(p.db, { email: `single-${Date.now()}@fjord.test` });
  const images = await Promise.all(Array.from({ length: 8 }, (_, i) => noiseJpeg(side, i + 1)));
  const upload = (ownerId: string, i: number) =>
    p.ingest.ingestUpload({
      ownerId,
      filename: `f${i}.jpg`,
      body: Readable.from([images[i % images.length]!]),
    });
  const single = async (i: number) => {
    const startedAt = performance.now();
    const { id } = await upload(userB.id, i);
    return { id, ms: await readyAfter(p, id, startedAt, timeoutMs) };
  };

  await single(0); // warm: workers' first job loads libvips, Prisma, …
  const result: FairnessResult = {
    idleMs: [],
    underBurstMs: [],
    burstPendingWhenBReady: [],
    burstSize: opts.burstSize,
  };
  for (let run = 0; run < opts.runs; run++) {
    result.idleMs.push((await single(run + 1)).ms);
    let next = 0;
    const burstIds: string[] = [];
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < opts.burstSize) {
          const i = next++;
          burstIds.push((await upload(userA.id, i)).id);
        }
      }),
    );
    const { ms } = await single(run + 100);
    result.underBurstMs.push(ms);
    result.burstPendingWhenBReady.push(
      await p.db.media.count({ where: { id: { in: burstIds }, status: { not: 'READY' } } }),
    );
    // Drain the burst before the next run's idle measurement.
    const deadline = performance.now() + timeoutMs;
    while ((await p.db.media.count({ where: { id: { in: burstIds }, status: { not: 'READY' } } })) > 0) {
      if (performance.now() > deadline) throw new Error('the burst did not drain');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return result;
}
