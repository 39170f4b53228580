import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJpegFixture, truncateFixture } from '@fjord/media/testing';
import {
  createQueueAdmin,
  durationStats,
  IMAGE_VARIANTS,
  jobRunMs,
  jobWaitMs,
  PERCENTILE_SAMPLE,
} from '@fjord/queue';
import { closedLoopbackPort, createTestUser, listenOnLoopback, waitFor } from '@fjord/testing';
import { startPipeline, type Pipeline } from '../pipeline/pipeline-harness';
import {
  createUploadKey,
  startWebProcess,
  stopWebProcess,
  uploadOverHttp,
  type WebProcess,
} from '../pipeline/web-process';
import { metricNamesIn } from './promql-names';
import { parseSamples, promtool, UUID_LIKE, valueOf, type Sample } from './scrape';

const TOKEN = 'metrics-token-for-the-int-test';
const observabilityDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../deploy/observability',
);

/**
 * The real web process and worker entrypoints, an upload through HTTP to READY (renditions, email,
 * webhook) and one corrupt upload, then every /metrics endpoint scraped: valid for promtool, no id as a
 * label value, and the counters moved by what happened.
 */
describe('Prometheus metrics of the real processes', () => {
  let p: Pipeline;
  let web: WebProcess;
  let apiKey: string;
  const ports = { transcode: 0, db: 0, email: 0, webhook: 0 };
  /** Every metric name the processes exported (sample names and # TYPE names), filled by the scrape test. */
  const exported = new Set<string>();
  const receiver = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));

  beforeAll(async () => {
    const receiverPort = await listenOnLoopback(receiver);
    p = await startPipeline('metrics', {
      METRICS_SAMPLE_INTERVAL_MS: '300',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      JOB_ATTEMPTS: '1',
      // Not the harness' 2 s: on a loaded machine a short lock re-runs jobs and blurs the exact counts.
      WORKER_LOCK_DURATION_MS: '15000',
    });
    for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await closedLoopbackPort();
    const webStarted = startWebProcess({ ...p.env, METRICS_TOKEN: TOKEN, LOG_LEVEL: 'warn' });
    await Promise.all(
      (Object.keys(ports) as (keyof typeof ports)[]).map((name) =>
        p.startWorker(name, { HEALTH_PORT: String(ports[name]) }),
      ),
    );
    web = await webStarted;
    const owner = await createTestUser(p.db);
    apiKey = await createUploadKey(p.db, owner.id);
    await p.createWebhookEndpoint(owner.id, `http://127.0.0.1:${receiverPort}/hook`, [
      'media.ready',
      'media.failed',
    ]);
  }, 180_000);

  afterAll(async () => {
    await stopWebProcess(web);
    await p?.stop();
    receiver.close();
  });

  const scrape = async (port: number, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${port}${port === web.port ? '/api/metrics' : '/metrics'}`, {
      headers,
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const scrapeWeb = () => scrape(web.port, { authorization: `Bearer ${TOKEN}` });

  it('web /api/metrics fails closed: 401 without or with a wrong token', async () => {
    expect((await scrape(web.port)).status).toBe(401);
    expect((await scrape(web.port, { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect((await scrape(web.port, { authorization: TOKEN })).status).toBe(401);
    const ok = await scrapeWeb();
    expect(ok.status).toBe(200);
    expect(ok.type).toContain('text/plain');
  });

  it('an upload and a corrupt one move the counters of every process; all pass promtool; no ids as labels', async () => {
    const jpeg = await createJpegFixture({ width: 640, height: 480 });
    const good = await uploadOverHttp({ port: web.port, apiKey, filename: 'a.jpg', chunks: [jpeg] });
    const bad = await uploadOverHttp({
      port: web.port,
      apiKey,
      filename: 'broken.jpg',
      chunks: [truncateFixture(jpeg, 0.3)],
    });
    expect([good.status, bad.status]).toEqual([202, 202]);
    await p.waitForStatus(good.body.id!, ['READY']);
    await p.waitForStatus(bad.body.id!, ['FAILED']);

    // The last steps (email, webhook) finish after the media's status: wait for their counters.
    const scrapeAll = async () => {
      const texts = {
        web: (await scrapeWeb()).text,
        transcode: (await scrape(ports.transcode)).text,
        db: (await scrape(ports.db)).text,
        email: (await scrape(ports.email)).text,
        webhook: (await scrape(ports.webhook)).text,
      };
      return {
        texts,
        samples: Object.fromEntries(Object.entries(texts).map(([k, t]) => [k, parseSamples(t)])),
      };
    };
    const { texts, samples } = await waitFor(
      async () => {
        const all = await scrapeAll();
        const s = all.samples as Record<string, Sample[]>;
        const isDone =
          valueOf(s.email!, 'fjord_emails_total', { outcome: 'sent' }) >= 2 &&
          valueOf(s.webhook!, 'fjord_webhook_deliveries_total', { outcome: 'succeeded' }) >= 2;
        return isDone ? all : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'the email and webhook counters' },
    );
    const s = samples as Record<string, Sample[]>;

    for (const [process, text] of Object.entries(texts)) {
      for (const sample of parseSamples(text)) exported.add(sample.name);
      for (const m of text.matchAll(/^# TYPE (\S+)/gm)) exported.add(m[1]!);
      const check = await promtool(['check', 'metrics'], text);
      expect({ process, ...check }).toEqual({ process, code: 0, output: '' });
      const idLabels = parseSamples(text).filter((x) =>
        Object.values(x.labels).some((v) => UUID_LIKE.test(v)),
      );
      expect({ process, idLabels }).toEqual({ process, idLabels: [] });
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      expect(text).toContain('process_resident_memory_bytes');
    }

    // web: the request under its route template, uploads by outcome, bytes.
    expect(
      valueOf(s.web!, 'fjord_http_request_duration_seconds_count', {
        route: '/api/v1/media',
        method: 'POST',
        status: '202',
      }),
    ).toBe(2);
    expect(valueOf(s.web!, 'fjord_uploads_total', { kind: 'IMAGE', outcome: 'queued' })).toBe(2);
    expect(valueOf(s.web!, 'fjord_ingested_bytes_total', { kind: 'IMAGE' })).toBe(
      jpeg.length + truncateFixture(jpeg, 0.3).length,
    );

    // transcode: 3 variants done, 3 failed for good as input faults; bytes in and out per variant.
    const variants = IMAGE_VARIANTS.length;
    expect(
      valueOf(s.transcode!, 'fjord_jobs_completed_total', { queue: 'transcode', job: 'transcode-image' }),
    ).toBe(variants);
    expect(valueOf(s.transcode!, 'fjord_job_failures_total', { queue: 'transcode', reason: 'input' })).toBe(
      variants,
    );
    expect(valueOf(s.transcode!, 'fjord_job_wait_seconds_count', { queue: 'transcode' })).toBe(variants);
    expect(valueOf(s.transcode!, 'fjord_transcode_input_bytes_total')).toBe(jpeg.length * variants);
    const renditions = await p.db.rendition.findMany({ where: { mediaId: good.body.id! } });
    expect(valueOf(s.transcode!, 'fjord_transcode_output_bytes_total')).toBe(
      renditions.reduce((sum, r) => sum + Number(r.bytes), 0),
    );
    for (const v of IMAGE_VARIANTS) {
      const count = (outcome: string) =>
        valueOf(s.transcode!, 'fjord_transcode_encode_seconds_count', { variant: v.name, outcome });
      expect(count('completed')).toBe(1);
      expect(count('failed')).toBeGreaterThanOrEqual(1); // a stalled attempt on a loaded machine adds one
    }

    // db, email, webhook: their jobs and their own counters.
    expect(valueOf(s.db!, 'fjord_jobs_completed_total', { queue: 'db', job: 'finalize-media' })).toBe(2);
    expect(valueOf(s.email!, 'fjord_emails_total', { outcome: 'sent' })).toBe(2);
    expect(valueOf(s.webhook!, 'fjord_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(2);

    // Host gauges from every worker; the queue sampler on exactly one of them.
    for (const w of ['transcode', 'db', 'email', 'webhook']) {
      expect(s[w]!.some((x) => x.name === 'fjord_host_cpu_steal_ratio')).toBe(true);
      expect(s[w]!.some((x) => x.name === 'fjord_host_load_average' && x.labels.period === '1m')).toBe(true);
    }
    const leaders = ['transcode', 'db', 'email', 'webhook'].filter(
      (w) => valueOf(s[w]!, 'fjord_queue_sampler_leader') === 1,
    );
    expect(leaders).toHaveLength(1);
    const withDepth = ['transcode', 'db', 'email', 'webhook'].filter((w) =>
      s[w]!.some((x) => x.name === 'fjord_queue_jobs'),
    );
    expect(withDepth).toEqual(leaders);
    expect(valueOf(s[leaders[0]!]!, 'fjord_queue_workers', { queue: 'transcode' })).toBe(1);
  });

  it('the console and the metrics give the same queue counts (one source: getJobCounts)', async () => {
    const admin = createQueueAdmin({ queues: p.queues, prefix: p.config.QUEUE_PREFIX });
    try {
      const overview = await admin.overview();
      const transcode = overview.find((q) => q.name === 'transcode')!;
      expect(transcode.counts.completed).toBe(IMAGE_VARIANTS.length);
      // The sampler ticks every 300 ms: the next samples agree with the console's numbers.
      await waitFor(
        async () => {
          const all = await Promise.all(
            Object.values(ports).map(async (port) => parseSamples((await scrape(port)).text)),
          );
          const depth = all
            .flat()
            .filter((x) => x.name === 'fjord_queue_jobs' && x.labels.queue === 'transcode');
          const sorted = (o: Record<string, number>) => JSON.stringify(Object.entries(o).sort());
          const byState = Object.fromEntries(depth.map((x) => [x.labels.state!, x.value]));
          return sorted(byState) === sorted(transcode.counts) || undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100, message: 'fjord_queue_jobs to match the console' },
      );
      const hosts = await admin.hosts();
      expect(hosts.length).toBe(1);
      expect(hosts[0]!.load).not.toBeNull();
      expect(hosts[0]!.steal).toBeGreaterThanOrEqual(0);
    } finally {
      await admin.close();
    }
  });

  it("the console's throughput, wait and processing figures agree with the histograms (one source: job-timing.ts)", async () => {
    const admin = createQueueAdmin({ queues: p.queues, prefix: p.config.QUEUE_PREFIX });
    try {
      const transcode = (await admin.overview()).find((q) => q.name === 'transcode')!;
      const s = parseSamples((await scrape(ports.transcode)).text);
      const labels = { queue: 'transcode', job: 'transcode-image' };

      // The sparklines: jobs completed and failed for good in the last hour are the counters.
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(sum(transcode.completedPerMinute)).toBe(valueOf(s, 'fjord_jobs_completed_total', labels));
      expect(sum(transcode.failedPerMinute)).toBe(valueOf(s, 'fjord_job_failures_total', labels));

      // The percentiles come from the jobs BullMQ keeps; the histograms were fed by the same jobs.
      const jobs = await p.queues.transcode.getJobs('completed', 0, PERCENTILE_SAMPLE - 1, false);
      expect(transcode.sampleSize).toBe(jobs.length);
      const waits = jobs.map((j) => jobWaitMs(j)!);
      const runs = jobs.map((j) => jobRunMs(j)!);
      expect(transcode.waitMs).toEqual(durationStats(waits));
      expect(transcode.processMs).toEqual(durationStats(runs));

      // Wait is fixed before the job runs: count and sum are the same numbers, to the float.
      expect(valueOf(s, 'fjord_job_wait_seconds_count', labels)).toBe(jobs.length);
      expect(valueOf(s, 'fjord_job_wait_seconds_sum', labels)).toBeCloseTo(sum(waits) / 1000, 6);
      // Run: the histogram is observed as the processor returns, BullMQ's finishedOn a Redis call
      // later, so the console's figure is the larger by that call and no more.
      const runLabels = { ...labels, outcome: 'completed' };
      expect(valueOf(s, 'fjord_job_duration_seconds_count', runLabels)).toBe(jobs.length);
      const histogramRun = valueOf(s, 'fjord_job_duration_seconds_sum', runLabels) * 1000;
      expect(sum(runs)).toBeGreaterThanOrEqual(histogramRun - 1);
      expect(sum(runs) - histogramRun).toBeLessThan(250 * jobs.length);

      // And each console percentile lies in the bucket where the histogram puts the same rank.
      const bucketOf = (metric: string, extra: Record<string, string>, rank: number) => {
        const buckets = s
          .filter(
            (x) =>
              x.name === `${metric}_bucket` && Object.entries(extra).every(([k, v]) => x.labels[k] === v),
          )
          .map((x) => ({ le: Number(x.labels.le === '+Inf' ? Infinity : x.labels.le), count: x.value }))
          .sort((a, b) => a.le - b.le);
        const at = buckets.findIndex((b) => b.count >= rank);
        return { low: at > 0 ? buckets[at - 1]!.le : 0, high: buckets[at]!.le };
      };
      for (const [stats, metric, extra] of [
        [transcode.waitMs, 'fjord_job_wait_seconds', labels],
        [transcode.processMs, 'fjord_job_duration_seconds', runLabels],
      ] as const) {
        for (const [p50or95, value] of [
          [50, stats.p50],
          [95, stats.p95],
        ] as const) {
          const rank = Math.max(1, Math.ceil((p50or95 / 100) * jobs.length));
          const { low, high } = bucketOf(metric, extra, rank);
          // The run's few ms of difference may carry a value just over a bucket's edge.
          const slack = metric === 'fjord_job_duration_seconds' ? 0.25 : 0.000001;
          expect({
            metric,
            p50or95,
            inBucket: value! / 1000 > low - slack && value! / 1000 <= high + slack,
          }).toEqual({
            metric,
            p50or95,
            inBucket: true,
          });
        }
      }
    } finally {
      await admin.close();
    }
  });

  it('every metric the dashboard and the alert rules read is one the processes export', async () => {
    expect(exported.size).toBeGreaterThan(50); // the scrape test ran
    const rules = parseYaml(await readFile(path.join(observabilityDir, 'fjord.rules.yml'), 'utf8')) as {
      groups: { rules: { record?: string; expr: string }[] }[];
    };
    const recorded = new Set(
      rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))),
    );
    const dashboard = JSON.parse(
      await readFile(path.join(observabilityDir, 'grafana/fjord-dashboard.json'), 'utf8'),
    ) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr)),
    ];
    expect(exprs.length).toBeGreaterThan(25);
    const unknown = exprs.flatMap((expr) =>
      metricNamesIn(expr).filter((name) => !exported.has(name) && !recorded.has(name) && name !== 'up'),
    );
    expect(unknown).toEqual([]);
  });
});
