import { FlowProducer, type Queue } from 'bullmq';
import { checkBrokerDurability, type BrokerDurability } from '../broker-durability';
import { createConnectionErrorLog, stderrLogger } from '../connection-error-log';

const errors = createConnectionErrorLog(
  stderrLogger,
  { role: 'queue-admin' },
  { message: 'queue admin error' },
);
import type { Queues } from '../queues';
import {
  cleanQueue,
  promoteJob,
  removeJob,
  retryFailedJob,
  setQueuePaused,
  type ActionResult,
} from './queue-actions.service';
import type {
  FlowNode,
  JobDetail,
  JobPage,
  JobStateName,
  JobSummary,
  QueueOverview,
  WorkerInfo,
} from './queue-admin.types';
import { ADMIN_QUEUES } from './queue-admin.types';
import { getFlowTree } from './queue-flow.service';
import { findJob, getJobDetail, listJobs, searchJobs } from './queue-jobs.service';
import { getQueueOverview } from './queue-stats.service';
import { listWorkers } from './queue-workers.service';
import { listHostStats, type HostStats } from '../host-stats.service';

export type AdminQueueName = (typeof ADMIN_QUEUES)[number];

/** Everything the admin console reads from or does to BullMQ, over the producer-side queue handles. */
export type QueueAdmin = {
  overview(): Promise<QueueOverview[]>;
  listJobs(input: {
    queue: AdminQueueName;
    state: JobStateName;
    page: number;
    pageSize: number;
  }): Promise<JobPage>;
  searchJobs(input: { jobId?: string; mediaIds?: string[]; limit?: number }): Promise<JobSummary[]>;
  getJob(id: string): Promise<JobDetail | null>;
  getJobState(id: string): Promise<{ state: string; queue: string; parentId: string | null } | null>;
  getFlow(jobId: string): Promise<FlowNode | null>;
  retryJob(id: string): Promise<ActionResult | null>;
  removeJob(id: string): Promise<ActionResult>;
  promoteJob(id: string): Promise<ActionResult | null>;
  setPaused(queue: AdminQueueName, isPaused: boolean): Promise<ActionResult>;
  clean(input: {
    queue: AdminQueueName;
    state: 'completed' | 'failed';
    olderThanMs: number;
  }): Promise<{ removed: number }>;
  listFailedJobIds(queue: AdminQueueName, limit: number): Promise<string[]>;
  workers(): Promise<WorkerInfo[]>;
  /** The hosts under the workers (CPU steal, iowait, load, PSI, disk latency), as they sampled them. */
  hosts(): Promise<HostStats[]>;
  /** Whether the broker can lose (no AOF) or evict (not noeviction) queued work. */
  brokerDurability(): Promise<BrokerDurability>;
  close(): Promise<void>;
};

export function createQueueAdmin(deps: { queues: Queues; prefix: string }): QueueAdmin {
  const byName: Record<AdminQueueName, Queue> = {
    transcode: deps.queues.transcode,
    db: deps.queues.db,
    email: deps.queues.email,
    maintenance: deps.queues.maintenance,
  };
  const all = ADMIN_QUEUES.map((name) => byName[name]);
  const producer = new FlowProducer({ connection: deps.queues.connection, prefix: deps.prefix });
  producer.on('error', errors.onError);

  return {
    overview: () => Promise.all(all.map((q) => getQueueOverview(q))),
    listJobs: ({ queue, ...rest }) => listJobs(byName[queue], rest),
    searchJobs: (input) => searchJobs(all, input),
    getJob: (id) => getJobDetail(all, id),
    async getJobState(id) {
      const hit = await findJob(all, id);
      return hit ? { state: hit.state, queue: hit.queue.name, parentId: hit.job.parent?.id ?? null } : null;
    },
    getFlow: (jobId) => getFlowTree({ queues: all, producer, prefix: deps.prefix, jobId }),
    retryJob: (id) => retryFailedJob(all, id),
    removeJob: (id) => removeJob(all, id),
    promoteJob: (id) => promoteJob(all, id),
    setPaused: (queue, isPaused) => setQueuePaused(byName[queue], isPaused),
    clean: ({ queue, ...rest }) => cleanQueue(byName[queue], rest),
    async listFailedJobIds(queue, limit) {
      const jobs = await byName[queue].getJobs('failed', 0, limit - 1, false);
      return jobs.flatMap((j) => (j?.id ? [j.id] : []));
    },
    async workers() {
      const lists = await Promise.all(all.map((q) => listWorkers(q)));
      return lists.flat();
    },
    hosts: () => listHostStats(deps.queues.connection, deps.prefix),
    brokerDurability: () => checkBrokerDurability(deps.queues.connection),
    close: () => producer.close(),
  };
}
