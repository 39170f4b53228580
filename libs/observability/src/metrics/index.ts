export { getMetrics, methodLabel, type FjordMetrics } from './fjord-metrics';
export {
  createHostSampler,
  hostWarnings,
  HOST_IOWAIT_WARN_RATIO,
  HOST_STEAL_WARN_RATIO,
  HOST_WARN_AFTER_MS,
  type HostSample,
  type HostSampler,
} from './host-sampler';
