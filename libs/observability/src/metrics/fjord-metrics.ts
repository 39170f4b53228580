import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Fjord metric, defined once, on the process's one registry (docs/adr/0019-metrics.md). Labels are
 * bounded sets only — route templates, queue and job names, variants, outcomes, reason classes, hosts
 * and block devices — never a media, user, job or delivery id.
 */
function defineFjordMetrics(registry: Registry) {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge({ name, help, labelNames, registers });
  const histogram = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ) => new Histogram({ name, help, labelNames, buckets, registers });
  const jobSeconds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800];
  return {
    registry,
    httpRequestDuration: histogram(
      'fjord_http_request_duration_seconds',
      'Web requests, until the response headers, by route template, method and status.',
      ['route', 'method', 'status'] as const,
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    uploads: counter(
      'fjord_uploads_total',
      'Uploads by media kind and outcome (queued, uploaded = queued later by the sweeper, or the refusal code).',
      ['kind', 'outcome'] as const,
    ),
    ingestedBytes: counter('fjord_ingested_bytes_total', 'Bytes of accepted uploads written to storage.', [
      'kind',
    ] as const),
    queueJobs: gauge(
      'fjord_queue_jobs',
      'Jobs per queue and state, sampled on an interval by the one worker holding the sampler lease.',
      ['queue', 'state'] as const,
    ),
    queueWorkers: gauge(
      'fjord_queue_workers',
      'Workers connected per queue, sampled with fjord_queue_jobs.',
      ['queue'] as const,
    ),
    queueSampler: gauge(
      'fjord_queue_sampler_leader',
      '1 while this process holds the queue sampler lease (and exports fjord_queue_jobs), else 0.',
      [] as const,
    ),
    queueBacklog: gauge(
      'fjord_queue_backlog',
      "Jobs of this worker's queue not yet started (waiting + prioritized + delayed), read per scrape; KEDA scales on it.",
      ['queue'] as const,
    ),
    jobWait: histogram(
      'fjord_job_wait_seconds',
      'From the creation of a job to the start of the attempt that completed it (job-timing.ts, as the console).',
      ['queue', 'job'] as const,
      jobSeconds,
    ),
    jobDuration: histogram(
      'fjord_job_duration_seconds',
      'One attempt of a job, by outcome (completed, failed, retry).',
      ['queue', 'job', 'outcome'] as const,
      jobSeconds,
    ),
    jobsCompleted: counter('fjord_jobs_completed_total', 'Jobs this process completed.', [
      'queue',
      'job',
    ] as const),
    jobFailures: counter(
      'fjord_job_failures_total',
      'Jobs failed for good, by reason class (input, infrastructure, unknown).',
      ['queue', 'job', 'reason'] as const,
    ),
    jobRetries: counter(
      'fjord_job_retries_total',
      'Failed attempts that run again (retry budget or an infrastructure wait), by reason class.',
      ['queue', 'job', 'reason'] as const,
    ),
    jobsActive: gauge('fjord_jobs_active', 'Jobs this process is running right now.', ['queue'] as const),
    transcodeInputBytes: counter(
      'fjord_transcode_input_bytes_total',
      'Bytes of originals read from storage by transcode jobs, per variant.',
      ['variant'] as const,
    ),
    transcodeOutputBytes: counter(
      'fjord_transcode_output_bytes_total',
      'Bytes of renditions written, per variant.',
      ['variant'] as const,
    ),
    transcodeEncode: histogram(
      'fjord_transcode_encode_seconds',
      'Time to produce one variant (download, decode, encode, store), per variant and outcome.',
      ['variant', 'outcome'] as const,
      jobSeconds,
    ),
    emails: counter(
      'fjord_emails_total',
      'Notification emails by outcome: sent, duplicate (an earlier attempt sent it), failed (an attempt).',
      ['outcome'] as const,
    ),
    webhookDeliveries: counter(
      'fjord_webhook_deliveries_total',
      'Webhook delivery attempts by outcome: succeeded, skipped, failed (an attempt; retried unless final).',
      ['outcome'] as const,
    ),
    hostCpuSteal: gauge(
      'fjord_host_cpu_steal_ratio',
      'Share of CPU time stolen by the hypervisor over the last sample interval.',
      ['host'] as const,
    ),
    hostCpuIowait: gauge(
      'fjord_host_cpu_iowait_ratio',
      'Share of CPU time idle waiting for IO over the last sample interval.',
      ['host'] as const,
    ),
    hostLoad: gauge('fjord_host_load_average', 'Load average (/proc/loadavg) over 1, 5 and 15 minutes.', [
      'host',
      'period',
    ] as const),
    hostCpus: gauge('fjord_host_cpus', 'CPUs online (compare the load average with it).', ['host'] as const),
    hostPressure: gauge(
      'fjord_host_pressure_ratio',
      'Pressure stall information, "some" avg10 (share of the last 10 s some task stalled), per resource.',
      ['host', 'resource'] as const,
    ),
    hostDiskLatency: gauge(
      'fjord_host_disk_io_latency_seconds',
      'Mean time per completed IO (reads and writes) over the last sample interval, per block device.',
      ['host', 'device'] as const,
    ),
  };
}

export type FjordMetrics = ReturnType<typeof defineFjordMetrics>;

const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

// On globalThis, so `next dev` reloading a module does not register every metric a second time.
const holder = globalThis as typeof globalThis & { __fjordMetrics?: FjordMetrics };

/** The process's one registry and its metrics, with Node's process and event-loop-lag defaults. */
export function getMetrics(): FjordMetrics {
  if (!holder.__fjordMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    // prom-client names these gauges `_total`, which promtool rejects (and Prometheus would treat as
    // counters in rate()): left out rather than exported misnamed.
    for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
    holder.__fjordMetrics = defineFjordMetrics(registry);
  }
  return holder.__fjordMetrics;
}

/** An HTTP method as a label: the standard ones, anything else as OTHER (bounded). */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].includes(upper) ? upper : 'OTHER';
}
