import { describe, expect, it } from 'vitest';
import { runSmtpDuplicateTrials, summarizeDuplicates } from './smtp-duplicates-trials';

// The short variant of `npx tsx tests/chaos/smtp-duplicates.ts` (100 runs).
describe('SMTP duplicates when the reply to DATA is lost (real worker-email process)', () => {
  it('5 notifications: each ends sent; the lost reply costs one extra copy with the same Message-ID', async () => {
    const report = await runSmtpDuplicateTrials({ runs: 5, runTimeoutMs: 15_000, fault: 'drop-after-data' });
    const s = summarizeDuplicates(report);
    console.log(`[smtp-duplicates] copies per notification ${JSON.stringify(s.histogram)}`);
    expect(s.incomplete).toBe(0);
    expect(s.strayMessages).toBe(0);
    for (const t of report.trials) {
      // The dropped transaction (read by the server, never acknowledged) and the retry (acknowledged):
      // Fjord resends only a send whose outcome it could not know, never one the server acknowledged.
      // `started` rather than attemptsMade: a run BullMQ re-ran as stalled is not counted as an attempt.
      expect(t).toMatchObject({ state: 'completed', started: 2, copies: 2, acknowledged: 1 });
    }
  }, 120_000);

  it('a 451 before DATA costs no copy: 5 notifications, one message each', async () => {
    const report = await runSmtpDuplicateTrials({ runs: 5, runTimeoutMs: 15_000, fault: 'rcpt-451' });
    const s = summarizeDuplicates(report);
    expect(s.incomplete).toBe(0);
    expect(s.histogram).toEqual([[1, 5]]);
    expect(report.trials.every((t) => t.started === 2 && t.acknowledged === 1)).toBe(true);
  }, 120_000);
});
