import type { FlowProducer, Job, JobNode, Queue } from 'bullmq';
import { findJob } from './queue-jobs.service';
import type { FlowNode } from './queue-admin.types';

const MAX_DEPTH = 10;

function queueOfKey(queueKey: string): string {
  return queueKey.split(':').at(-1) ?? '';
}

async function toFlowNode(node: JobNode): Promise<FlowNode> {
  const job: Job = node.job;
  const children = await Promise.all((node.children ?? []).map(toFlowNode));
  return {
    id: job.id ?? '',
    name: job.name,
    queue: job.queueName,
    state: await job.getState(),
    timestamp: job.timestamp,
    processedOn: job.processedOn ?? null,
    finishedOn: job.finishedOn ?? null,
    failedReason: job.failedReason || null,
    children: children.sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** The whole flow a job belongs to: climbs to the root, then reads the tree down from it. */
export async function getFlowTree(deps: {
  queues: readonly Queue[];
  producer: FlowProducer;
  prefix: string;
  jobId: string;
}): Promise<FlowNode | null> {
  const hit = await findJob(deps.queues, deps.jobId);
  if (!hit) return null;
  let root = { id: hit.job.id ?? deps.jobId, queue: hit.queue.name };
  let parent = hit.job.parent;
  for (let depth = 0; parent && depth < MAX_DEPTH; depth++) {
    root = { id: parent.id ?? '', queue: queueOfKey(parent.queueKey) };
    const queue = deps.queues.find((q) => q.name === root.queue);
    const parentJob = queue && root.id ? await queue.getJob(root.id) : undefined;
    parent = parentJob?.parent;
  }
  const tree = await deps.producer.getFlow({
    id: root.id,
    queueName: root.queue,
    prefix: deps.prefix,
    depth: MAX_DEPTH,
    maxChildren: 50,
  });
  return tree?.job ? toFlowNode(tree) : null;
}
