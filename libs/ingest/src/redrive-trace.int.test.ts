import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, startTracing, withSpan } from '@fjord/observability';
import { mediaJobId } from '@fjord/queue';
import { createMediaReprocessing } from './reprocess-media.service';
import { sweepStuckMedia } from './sweep-stuck-media.service';
import { createPersonWorld, silentLogger, TINY_PNG, type PersonWorld } from './test/person-world';

const exporter = new InMemorySpanExporter();
const tracing = startTracing(
  { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_TRACES_SAMPLE_RATIO: 1 },
  { service: 'redrive-test', spanProcessor: new SimpleSpanProcessor({ exporter }) },
);

let world: PersonWorld;
beforeAll(async () => {
  world = await createPersonWorld();
});
afterAll(async () => {
  await world?.close();
  await tracing.shutdown();
});

const traceIdOf = (traceparent: unknown) => String(traceparent).split('-')[1];
const lostFlow = () =>
  Promise.all(
    [world.queues.transcode, world.queues.db, world.queues.email].map((q) => q.obliterate({ force: true })),
  );
/** The enqueue spans of one media (a sweep re-drives every stuck media of the database). */
const enqueueSpans = (mediaId: string) =>
  exporter
    .getFinishedSpans()
    .filter((s) => s.name === 'enqueue media flow' && s.attributes['fjord.media.id'] === mediaId);

/** ADR 0022: the upload's traceparent is kept on its media; a re-drive or reprocess continues it. */
describe('a re-drive continues the upload’s trace (real Postgres and Redis)', () => {
  it('sweeper and reprocess enqueue in the upload’s trace, linked to the span that re-drove it', async () => {
    const { db, queues, ingest, enqueuer } = world;
    const user = (await world.createPersonWithMedia([])).user;
    const upload = await withSpan('POST /api/v1/media', { kind: SpanKind.SERVER }, async (span) => ({
      traceId: span.spanContext().traceId,
      media: await ingest.ingestUpload({ ownerId: user.id, filename: 'a.png', body: TINY_PNG }),
    }));
    const row = (await db.media.findUnique({ where: { id: upload.media.id } }))!;
    expect(traceIdOf(row.traceparent)).toBe(upload.traceId);

    // Redis lost the flow: the sweeper re-drives it in its own span.
    await lostFlow();
    exporter.reset();
    const sweepSpan = await withSpan('maintenance sweep-stuck-media', {}, async (span) => {
      const { requeued } = await sweepStuckMedia({
        db,
        queues,
        enqueuer,
        staleAfterMs: 0,
        logger: silentLogger,
      });
      expect(requeued).toEqual([upload.media.id]);
      return span.spanContext();
    });
    const [swept] = enqueueSpans(upload.media.id);
    expect(swept?.spanContext().traceId).toBe(upload.traceId);
    expect(swept?.links.map((l) => l.context.spanId)).toEqual([sweepSpan.spanId]);
    const notify = await queues.email.getJob(mediaJobId(upload.media.id, 'notify'));
    expect(traceIdOf(notify?.data.traceparent)).toBe(upload.traceId);

    // An admin's reprocess of the finished media: the same trace, linked to the admin request.
    await db.media.update({ where: { id: upload.media.id }, data: { status: 'READY' } });
    await lostFlow();
    exporter.reset();
    const reprocess = createMediaReprocessing({ db, enqueuer, queues });
    const adminSpan = await withSpan('POST /api/trpc/admin.reprocessMedia', {}, async (span) => {
      await reprocess(upload.media.id);
      return span.spanContext();
    });
    const [again] = enqueueSpans(upload.media.id);
    expect(again?.spanContext().traceId).toBe(upload.traceId);
    expect(again?.links.map((l) => l.context.spanId)).toEqual([adminSpan.spanId]);
    const transcode = await queues.transcode.getJob(mediaJobId(upload.media.id, 'transcode', 'thumb-webp'));
    expect(traceIdOf(transcode?.data.traceparent)).toBe(upload.traceId);
  }, 60_000);

  it('a media with no stored trace (tracing off at upload) is re-driven in the sweeper’s trace', async () => {
    const { db, queues, enqueuer } = world;
    const {
      media: [media],
    } = await world.createPersonWithMedia();
    expect((await db.media.findUnique({ where: { id: media.id } }))?.traceparent).toBeNull();
    await lostFlow();
    exporter.reset();
    const sweep = await withSpan('maintenance sweep-stuck-media', {}, async (span) => {
      await sweepStuckMedia({ db, queues, enqueuer, staleAfterMs: 0, logger: silentLogger });
      return span.spanContext();
    });
    const [swept] = enqueueSpans(media.id);
    expect(swept?.spanContext().traceId).toBe(sweep.traceId);
    expect(swept?.links).toEqual([]);
  }, 60_000);
});
