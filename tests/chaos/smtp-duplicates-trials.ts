import { randomUUID } from 'node:crypto';
import { jobOf, mediaJobId, notifyMediaJob } from '@fjord/queue';
import { createTestUser, startFaultySmtpServer, waitFor, type SmtpFault } from '@fjord/testing';
import { startPipeline } from '../pipeline/pipeline-harness';

export type DuplicateTrial = {
  messageId: string;
  state: string;
  /** Attempts the notify job made (BullMQ attemptsMade), and runs it started (a stalled run counts too). */
  attempts: number;
  started: number;
  stalled: number;
  /** Messages with this Message-ID the SMTP server read to the end (acknowledged or not). */
  copies: number;
  /** Of those, the ones the server answered 250 for. */
  acknowledged: number;
  sentAtRecorded: boolean;
  ms: number;
};

export type DuplicateReport = {
  fault: SmtpFault;
  trials: DuplicateTrial[];
  /** Messages the server read whose Message-ID is none of the trials' (must be 0). */
  strayMessages: number;
};

/**
 * `runs` notifications, one after the other, each through the real worker-email entrypoint (a child
 * process: real config, mailer, notify processor and BullMQ retries) against a raw SMTP server on
 * loopback that applies `fault` to the first transaction of each notification. Each run is capped
 * at runTimeoutMs; a run that does not finish in time is recorded with state 'timeout'.
 */
export async function runSmtpDuplicateTrials(opts: {
  runs: number;
  runTimeoutMs: number;
  fault: SmtpFault;
  log?: (line: string) => void;
}): Promise<DuplicateReport> {
  const smtp = await startFaultySmtpServer();
  const p = await startPipeline('smtp-dup', {
    SMTP_URL: smtp.url,
    SMTP_CONNECTION_TIMEOUT_MS: '1000',
    SMTP_GREETING_TIMEOUT_MS: '1000',
    SMTP_SOCKET_TIMEOUT_MS: '1000',
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_MS: '50',
    EMAIL_CONCURRENCY: '1',
  });
  const trials: DuplicateTrial[] = [];
  let warmUpMessageId = '';
  try {
    await p.startWorker('email');
    const owner = await createTestUser(p.db);
    // Run 0 is a warm-up without fault, left out of the trials: a cold worker's first job can outlast the
    // harness's 2 s lock on a loaded machine and be re-run as stalled, which is not what is measured here.
    for (let i = -1; i < opts.runs; i++) {
      const started = Date.now();
      const media = await p.db.media.create({
        data: {
          id: randomUUID(),
          ownerId: owner.id,
          kind: 'IMAGE',
          status: 'READY',
          originalName: `dup-${i}.png`,
          mimeType: 'image/png',
          sizeBytes: 1n,
          sha256: 'a'.repeat(64),
          storageKey: 'k',
          finishedAt: new Date(),
        },
      });
      const messageId = `<media-${media.id}-ready@fjord>`;
      if (i < 0) warmUpMessageId = messageId;
      const jobId = mediaJobId(media.id, 'notify');
      if (i >= 0) smtp.failNext(opts.fault);
      const toAdd = jobOf(notifyMediaJob, p.config, { v: 1, mediaId: media.id }, { jobId });
      await p.queues.email.add(toAdd.name, toAdd.data, toAdd.opts);
      const state = await waitFor(
        async () => {
          const s = await p.queues.email.getJobState(jobId);
          return s === 'completed' || s === 'failed' ? s : undefined;
        },
        { timeoutMs: opts.runTimeoutMs, intervalMs: 20 },
      ).catch(() => 'timeout');
      if (i < 0) {
        if (state !== 'completed') throw new Error(`the warm-up notification ended ${state}`);
        continue;
      }
      const job = await p.queues.email.getJob(jobId);
      const notification = await p.db.notification.findFirst({ where: { mediaId: media.id } });
      const copies = smtp.received.filter((r) => r.messageId === messageId);
      trials.push({
        messageId,
        state,
        attempts: job?.attemptsMade ?? 0,
        started: job?.attemptsStarted ?? 0,
        stalled: job?.stalledCounter ?? 0,
        copies: copies.length,
        acknowledged: copies.filter((r) => r.acknowledged).length,
        sentAtRecorded: Boolean(notification?.sentAt),
        ms: Date.now() - started,
      });
      if ((i + 1) % 10 === 0) opts.log?.(`${i + 1}/${opts.runs} notifications done`);
    }
  } finally {
    await p.stop();
    await smtp.close();
  }
  const known = new Set([warmUpMessageId, ...trials.map((t) => t.messageId)]);
  return {
    fault: opts.fault,
    trials,
    strayMessages: smtp.received.filter((r) => !r.messageId || !known.has(r.messageId)).length,
  };
}

/** Copies per notification → how many notifications got that many, e.g. "2 copies × 100". */
export function summarizeDuplicates(report: DuplicateReport) {
  const histogram = new Map<number, number>();
  for (const t of report.trials) histogram.set(t.copies, (histogram.get(t.copies) ?? 0) + 1);
  const extraCopies = report.trials.reduce((sum, t) => sum + Math.max(0, t.copies - 1), 0);
  const acknowledgedExtra = report.trials.reduce((sum, t) => sum + Math.max(0, t.acknowledged - 1), 0);
  const ms = report.trials.map((t) => t.ms).sort((a, b) => a - b);
  return {
    runs: report.trials.length,
    histogram: [...histogram.entries()].sort(([a], [b]) => a - b),
    notificationsWithDuplicates: report.trials.filter((t) => t.copies > 1).length,
    extraCopies,
    /** Copies beyond the first that the server acknowledged with 250: Fjord's own resends of a known send. */
    acknowledgedExtra,
    /** Runs BullMQ found stalled (lock lost) and re-ran: a second, concurrent send is possible then. */
    stalledRuns: report.trials.reduce((sum, t) => sum + t.stalled, 0),
    incomplete: report.trials.filter((t) => t.state !== 'completed' || !t.sentAtRecorded).length,
    strayMessages: report.strayMessages,
    p50Ms: ms[Math.floor(ms.length / 2)] ?? 0,
    maxMs: ms[ms.length - 1] ?? 0,
  };
}
