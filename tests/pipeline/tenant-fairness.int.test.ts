import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from './pipeline-harness';
import { measureTenantFairness } from './tenant-fairness';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * docs/adr/0021: one user's burst must not delay another user's single upload by more than 2× its idle
 * latency. Real Postgres, Redis, disk and worker processes (transcode + db); small images, bounded burst.
 */
describe('fair scheduling between tenants (real workers)', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline('fairness');
    await Promise.all([p.startWorker('transcode'), p.startWorker('db')]);
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('B’s upload under A’s 150-upload burst is READY within 2× its idle latency, ahead of the burst', async () => {
    const r = await measureTenantFairness(p, { burstSize: 150, runs: 1, side: 128 });
    const idle = median(r.idleMs);
    const loaded = median(r.underBurstMs);
    console.log(
      `tenant fairness: idle ${r.idleMs.map((m) => m.toFixed(0)).join(', ')} ms; under a burst of ${r.burstSize}: ` +
        `${r.underBurstMs.map((m) => m.toFixed(0)).join(', ')} ms; burst media not READY then: ${r.burstPendingWhenBReady.join(', ')}`,
    );
    // The burst was really in B's way: most of it still waiting when B was done.
    expect(Math.min(...r.burstPendingWhenBReady)).toBeGreaterThan(r.burstSize / 2);
    expect(loaded).toBeLessThanOrEqual(2 * idle);
  }, 240_000);
});
