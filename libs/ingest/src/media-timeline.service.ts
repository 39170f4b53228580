import type { DbClient } from '@fjord/db';
import { mediaJobId, variantNamesFor, type Queues } from '@fjord/queue';

/** One moment of a media's life, from the service that lived it. */
export type TimelineEntry = {
  at: string;
  service: 'web' | 'worker-transcode' | 'worker-db' | 'worker-email' | 'worker-webhook';
  step: string;
  detail: string;
  /** How long the step took, when it has an end (a job's run, an HTTP attempt). */
  durationMs?: number;
};

/** An entry as the timeline hands it out: with its offset from the first entry (the ingest). */
export type TimelineRow = TimelineEntry & { offsetMs: number };

export type MediaTimeline = {
  mediaId: string;
  status: string;
  run: number;
  entries: TimelineRow[];
  /** The steps whose BullMQ job is gone (retention, 24 h after completion): Postgres still tells the end. */
  jobsNotRetained: string[];
};

type JobStep = { id: string; queue: keyof Pick<Queues, 'transcode' | 'db' | 'email'>; step: string };
const SERVICE = { transcode: 'worker-transcode', db: 'worker-db', email: 'worker-email' } as const;

const iso = (ms: number | Date) => new Date(ms).toISOString();

/**
 * One timeline of a media across the services, from what Postgres keeps (the media's times, renditions,
 * the notification outbox, webhook deliveries and their attempts) and what BullMQ still holds of its
 * jobs (created, started, finished, attempts, the failed reason). The one builder behind
 * `fjord trace <mediaId>` and the admin console's media page. Undefined: no such media.
 */
export async function buildMediaTimeline(
  deps: { db: DbClient; queues: Pick<Queues, 'transcode' | 'db' | 'email'> },
  mediaId: string,
): Promise<MediaTimeline | undefined> {
  const media = await deps.db.media.findUnique({
    where: { id: mediaId },
    select: {
      id: true,
      kind: true,
      status: true,
      run: true,
      error: true,
      originalName: true,
      sizeBytes: true,
      createdAt: true,
      queuedAt: true,
      startedAt: true,
      finishedAt: true,
      renditions: { select: { name: true, createdAt: true, bytes: true } },
      notifications: { select: { kind: true, createdAt: true, sentAt: true, failedAt: true, error: true } },
    },
  });
  if (!media) return undefined;
  const entries: TimelineEntry[] = [];
  const add = (entry: TimelineEntry) => entries.push(entry);

  add({
    // queuedAt is the app's clock, createdAt Postgres': the earlier one, so ingest comes first.
    at: iso(Math.min(media.createdAt.getTime(), media.queuedAt?.getTime() ?? Infinity)),
    service: 'web',
    step: 'ingest',
    detail: `${media.kind.toLowerCase()} "${media.originalName}", ${media.sizeBytes} bytes stored`,
  });
  if (media.queuedAt)
    add({ at: iso(media.queuedAt), service: 'web', step: 'enqueue', detail: `run ${media.run} queued` });
  if (media.startedAt)
    add({
      at: iso(media.startedAt),
      service: 'worker-transcode',
      step: 'processing',
      detail: 'first job started',
    });

  const steps: JobStep[] = [
    ...variantNamesFor(media.kind).map((v) => ({
      id: mediaJobId(mediaId, 'transcode', v),
      queue: 'transcode' as const,
      step: `transcode ${v}`,
    })),
    { id: mediaJobId(mediaId, 'finalize'), queue: 'db', step: 'finalize' },
    { id: mediaJobId(mediaId, 'notify'), queue: 'email', step: 'notify' },
  ];
  const jobs = await Promise.all(steps.map((s) => deps.queues[s.queue].getJob(s.id)));
  // A job completed after a retry keeps the earlier attempt's failedReason: its state decides.
  const states = await Promise.all(jobs.map((job) => job?.getState()));
  const jobsNotRetained: string[] = [];
  steps.forEach((s, i) => {
    const job = jobs[i];
    if (!job) return void jobsNotRetained.push(s.step);
    const service = SERVICE[s.queue];
    const started = job.processedOn;
    const waitMs = started ? Math.max(0, started - job.timestamp) : undefined;
    const runMs = started && job.finishedOn ? Math.max(0, job.finishedOn - started) : undefined;
    const attempts = `${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}`;
    const state = states[i];
    const outcome =
      state === 'failed'
        ? `failed: ${job.failedReason}`
        : state === 'completed'
          ? 'done'
          : `not finished (${state})`;
    add({
      at: iso(started ?? job.timestamp),
      service,
      step: s.step,
      detail: `waited ${waitMs ?? '?'} ms, ${attempts}, ${outcome}`,
      ...(runMs !== undefined ? { durationMs: runMs } : {}),
    });
  });

  for (const r of media.renditions) {
    add({
      at: iso(r.createdAt),
      service: 'worker-db',
      step: `rendition ${r.name}`,
      detail: `${r.bytes} bytes committed`,
    });
  }
  if (media.finishedAt) {
    const detail = media.status === 'FAILED' ? `FAILED: ${media.error ?? 'no reason'}` : media.status;
    add({ at: iso(media.finishedAt), service: 'worker-db', step: 'commit', detail });
  }
  for (const n of media.notifications) {
    const sent = n.sentAt ? 'sent' : n.failedAt ? `failed: ${n.error ?? ''}` : 'pending';
    add({
      at: iso(n.sentAt ?? n.failedAt ?? n.createdAt),
      service: 'worker-email',
      step: `email ${n.kind}`,
      detail: sent,
    });
  }

  const deliveries = await deps.db.webhookDelivery.findMany({
    where: { eventId: { startsWith: `media.${mediaId}.` } },
    select: {
      event: true,
      status: true,
      endpoint: { select: { url: true } },
      log: { select: { attempt: true, statusCode: true, durationMs: true, error: true, createdAt: true } },
    },
  });
  for (const d of deliveries) {
    const host = URL.canParse(d.endpoint.url) ? new URL(d.endpoint.url).host : 'endpoint';
    for (const a of d.log) {
      add({
        at: iso(a.createdAt),
        service: 'worker-webhook',
        step: `webhook ${d.event}`,
        detail: `attempt ${a.attempt} to ${host}: ${a.error ?? `HTTP ${a.statusCode}`} (delivery ${d.status})`,
        durationMs: a.durationMs,
      });
    }
  }

  entries.sort((a, b) => a.at.localeCompare(b.at));
  const start = entries[0] ? Date.parse(entries[0].at) : 0;
  const rows = entries.map((e) => ({ ...e, offsetMs: Date.parse(e.at) - start }));
  return { mediaId, status: media.status, run: media.run, entries: rows, jobsNotRetained };
}

/** The timeline as the CLI prints it: one line per entry, offsets from the ingest. */
export function formatMediaTimeline(t: MediaTimeline): string {
  const lines = t.entries.map((e) => {
    const offset = `+${(e.offsetMs / 1000).toFixed(3)}s`.padStart(10);
    const took = e.durationMs !== undefined ? ` [${e.durationMs} ms]` : '';
    return `${e.at} ${offset}  ${e.service.padEnd(16)} ${e.step}: ${e.detail}${took}`;
  });
  const gone = t.jobsNotRetained.length ? [`(jobs no longer in Redis: ${t.jobsNotRetained.join(', ')})`] : [];
  return [`media ${t.mediaId} · ${t.status} · run ${t.run}`, ...lines, ...gone].join('\n');
}
