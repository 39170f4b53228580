import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJpegFixture } from '@fjord/media/testing';
import { IMAGE_VARIANTS } from '@fjord/queue';
import { createTestUser, listenOnLoopback, waitFor } from '@fjord/testing';
import { startPipeline, type Pipeline } from '../pipeline/pipeline-harness';
import {
  createUploadKey,
  startWebProcess,
  stopWebProcess,
  uploadOverHttp,
  type WebProcess,
} from '../pipeline/web-process';

/** A span as OTLP/HTTP JSON carries it, with the service that sent it. */
type OtlpSpan = {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
};

/**
 * The real web process and the four worker entrypoints, each exporting to a loopback OTLP/HTTP receiver
 * in this test (what the exporter sends: JSON, POST /v1/traces); an upload to READY, then the spans of
 * its one trace and their parent links across the five processes: request → storage/enqueue → each
 * transcode → finalize (commit, db statements) → webhook job → POST; enqueue → notify → SMTP send.
 */
describe('one OpenTelemetry trace per upload across the real processes', () => {
  let p: Pipeline;
  let web: WebProcess;
  let apiKey: string;
  let dbWorkerLogs: () => string;
  const spans: OtlpSpan[] = [];
  const contentTypes = new Set<string>();
  const collector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      contentTypes.add(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const doc = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: Omit<OtlpSpan, 'service'>[] }[];
        }[];
      };
      for (const rs of doc.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ ...s, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const hookHeaders: http.IncomingHttpHeaders[] = [];
  const receiver = http.createServer((req, res) => {
    hookHeaders.push(req.headers);
    req.resume().on('end', () => res.end('ok'));
  });

  beforeAll(async () => {
    const collectorPort = await listenOnLoopback(collector);
    const receiverPort = await listenOnLoopback(receiver);
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}` };
    p = await startPipeline('tracing', {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WORKER_LOCK_DURATION_MS: '15000',
      ...otel,
    });
    const webStarted = startWebProcess({ ...p.env, LOG_LEVEL: 'warn' });
    const workers = await Promise.all(
      (['transcode', 'db', 'email', 'webhook'] as const).map((name) => p.startWorker(name)),
    );
    dbWorkerLogs = workers[1]!.logs;
    web = await webStarted;
    const owner = await createTestUser(p.db);
    apiKey = await createUploadKey(p.db, owner.id);
    await p.createWebhookEndpoint(owner.id, `http://127.0.0.1:${receiverPort}/hook`, ['media.ready']);
  }, 180_000);

  afterAll(async () => {
    await stopWebProcess(web);
    await p?.stop();
    collector.close();
    receiver.close();
  });

  it('links request, storage, enqueue, every job, db, SMTP and the webhook POST in one trace', async () => {
    const jpeg = await createJpegFixture({ width: 640, height: 480 });
    const upload = await uploadOverHttp({ port: web.port, apiKey, filename: 'a.jpg', chunks: [jpeg] });
    expect(upload.status).toBe(202);
    await p.waitForStatus(upload.body.id!, ['READY']);
    // The batch processors export about every second: wait for the last step's spans.
    await waitFor(
      async () => spans.some((s) => s.name === 'webhook POST') && spans.some((s) => s.name === 'smtp send'),
      { timeoutMs: 30_000, intervalMs: 200, message: 'the webhook POST and SMTP send spans' },
    );
    expect([...contentTypes]).toEqual(['POST /v1/traces application/json']);

    const request = spans.find((s) => s.name === 'POST /api/v1/media' && s.service === 'web')!;
    expect(request).toBeDefined();
    const trace = spans.filter((s) => s.traceId === request.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const one = (name: string, service: string) => {
      const found = trace.filter((s) => s.name === name && s.service === service);
      expect(found.length, `${service}: ${name}`).toBeGreaterThanOrEqual(1);
      return found;
    };
    const parentOf = (s: OtlpSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    const isUnder = (s: OtlpSpan, ancestor: OtlpSpan) => {
      for (let at = parentOf(s), hops = 0; at && hops < 20; at = parentOf(at), hops++) {
        if (at.spanId === ancestor.spanId) return true;
      }
      return false;
    };

    // Web: the request is the root; the storage write, the insert and the enqueue are its children.
    expect(request.parentSpanId || undefined).toBeUndefined();
    const [store] = one('storage put original', 'web');
    const [enqueue] = one('enqueue media flow', 'web');
    expect(parentOf(store!)?.spanId).toBe(request.spanId);
    expect(parentOf(enqueue!)?.spanId).toBe(request.spanId);
    expect(one('db Media.create', 'web').some((s) => s.parentSpanId === request.spanId)).toBe(true);

    // Every transcode job (one span per attempt), finalize and notify: children of the enqueue.
    const transcodes = one('transcode transcode-image', 'worker-transcode');
    const variants = new Set(IMAGE_VARIANTS.map((v) => v.name));
    expect(transcodes.length).toBeGreaterThanOrEqual(variants.size);
    for (const t of transcodes) expect(t.parentSpanId).toBe(enqueue!.spanId);
    const [finalize] = one('db finalize-media', 'worker-db');
    expect(finalize!.parentSpanId).toBe(enqueue!.spanId);
    const [commit] = one('finalize commit', 'worker-db');
    expect(commit!.parentSpanId).toBe(finalize!.spanId);
    const inCommit = trace.filter(
      (s) => s.service === 'worker-db' && s.name.startsWith('db ') && s.parentSpanId === commit!.spanId,
    );
    expect(inCommit.map((s) => s.name)).toContain('db Rendition.upsert');
    const [notify] = one('email notify-media', 'worker-email');
    expect(notify!.parentSpanId).toBe(enqueue!.spanId);
    const [send] = one('smtp send', 'worker-email');
    expect(send!.parentSpanId).toBe(notify!.spanId);

    // The webhook job was added by finalize; its POST is its child and told the receiver its context.
    const [hookJob] = one('webhooks deliver-webhook', 'worker-webhook');
    expect(isUnder(hookJob!, finalize!)).toBe(true);
    const [post] = one('webhook POST', 'worker-webhook');
    expect(post!.parentSpanId).toBe(hookJob!.spanId);
    expect(hookHeaders.map((h) => h.traceparent)).toContain(`00-${post!.traceId}-${post!.spanId}-01`);

    // The worker's JSON log line inside the job carries the trace, the span, the media and the job.
    const ready = dbWorkerLogs()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'media ready');
    expect(ready).toMatchObject({
      traceId: request.traceId,
      spanId: finalize!.spanId,
      mediaId: upload.body.id,
      jobId: expect.stringContaining('finalize'),
    });
  }, 120_000);
});
