export * from './contracts';
export { streamManifestOf } from './stream-manifest';
export {
  bullQueueKeys,
  clusterHashTag,
  isClusterSafePrefix,
  mediaEventsChannel,
  finishedUploadKey,
  rateLimitKey,
  imageRenderLockKey,
  bulkReprocessLeaseKey,
  authThrottleKey,
  type AuthThrottleScope,
  redisKey,
} from './redis-keys';
export { createRedis, closeRedis, waitUntilReady, type RedisRole } from './redis';
export type { QueueLogger } from './logger';
export { createQueues, type Queues } from './queues';
export {
  createMediaFlowEnqueuer,
  fairPriority,
  MAX_PRIORITY,
  type EnqueueMediaFlowInput,
  type EnqueueMediaFlowResult,
  type MediaFlowEnqueuer,
} from './media-flow.service';
export {
  getMediaFlowState,
  mediaFlowStateOf,
  removeMediaFlowJobs,
  type MediaFlowState,
} from './media-flow-state';
export { checkBrokerDurability, watchBrokerDurability, type BrokerDurability } from './broker-durability';
export { createConnectionErrorLog } from './connection-error-log';
export { startMaintenanceSchedule, type MaintenanceSchedule } from './maintenance-schedule';
export { getMediaProgress, type MediaProgress, type VariantProgress } from './media-progress.service';
export {
  createMediaEventPublisher,
  createMediaEventSubscriber,
  safePublish,
  waitForMediaEvent,
  type MediaEventHandler,
  type MediaEventPublisher,
  type MediaEventSubscriber,
} from './media-events.service';
export { runWorker, type RunWorkerOptions, type RunningWorker } from './run-worker';
export { handleJob, infrastructureDelayMs, type JobHandler, type JobProcessor } from './run-job';
export * from './job-definitions';
export * from './render-presets.contract';
export {
  classifyJobFailure,
  failedReasonForPeople,
  GENERAL_FAILURE_MESSAGE,
  STALLED_TOO_OFTEN_MESSAGE,
  type JobFailure,
} from './job-failure';
export { handleShutdownSignals } from './shutdown';
export { startHealthServer, type HealthServer } from './health-server';
export {
  listHostStats,
  startHostSampling,
  HOST_STATS_MAX_AGE_MS,
  type HostStats,
} from './host-stats.service';
export { startQueueSampler, type QueueSampler } from './queue-sampler';
export { holdLease, releaseLease } from './redis-lease';
export {
  onceAcrossProcesses,
  type LeaseRedis,
  type OnceAcrossProcessesOptions,
  type Produced,
} from './once-across-processes';
export { jobRunMs, jobWaitMs } from './job-timing';
export { UnrecoverableError, type Job } from 'bullmq';
export * from './admin';
export { appendJobLog } from './job-log';
export {
  assertJobLockHeld,
  attemptTag,
  isJobLockHeld,
  isJobLockLostError,
  JobLockLostError,
  writeFenced,
} from './job-lock-fence';
export { DelayedError } from 'bullmq';
export { observeJob, observeNotifyJob, observeTranscodeJob, observeWebhookJob } from './job-observers';
