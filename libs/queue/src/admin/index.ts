export { createQueueAdmin, type AdminQueueName, type QueueAdmin } from './queue-admin.service';
export type { ActionResult } from './queue-actions.service';
export { mediaFlowJobIds, MAX_JOB_PAGE_SIZE } from './queue-jobs.service';
export { PERCENTILE_SAMPLE } from './queue-stats.service';
export { workerName, parseWorkerName } from './queue-workers.service';
export { durationStats, percentile, perMinuteSeries } from './percentile';
export * from './queue-admin.types';
