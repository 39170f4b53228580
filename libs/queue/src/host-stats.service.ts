import type { Redis } from 'ioredis';
import { createHostSampler, hostWarnings, type HostSample } from '@fjord/observability';
import type { QueueLogger } from './logger';
import { redisKey } from './redis-keys';

/** A host whose last sample is older than this is gone (or its workers are): not shown. */
export const HOST_STATS_MAX_AGE_MS = 60_000;

export type HostStats = HostSample & { warnings: string[] };

export function hostStatsKey(prefix: string): string {
  return redisKey(prefix, 'metrics', 'hosts');
}

export type HostSampling = { tick(): Promise<HostSample>; stop(): void };

/**
 * Every worker samples its host from /proc every `everyMs`: the same sample sets the fjord_host_* gauges
 * and is written to one Redis hash (field = host) that the console's workers view reads — one source
 * for both. Several workers on one host write the same field; the newest wins.
 */
export function startHostSampling(deps: {
  connection: Redis;
  prefix: string;
  everyMs: number;
  logger: QueueLogger;
  procDir?: string;
}): HostSampling {
  const sampler = createHostSampler({ procDir: deps.procDir });
  const key = hostStatsKey(deps.prefix);
  async function tick(): Promise<HostSample> {
    const sample = await sampler.sample();
    await deps.connection
      .hset(key, sample.host, JSON.stringify(sample))
      .catch((err: unknown) => deps.logger.warn({ err }, 'host stats not published'));
    return sample;
  }
  const timer = setInterval(() => {
    tick().catch((err: unknown) => deps.logger.warn({ err }, 'host sampling failed'));
  }, deps.everyMs);
  timer.unref();
  void tick().catch((err: unknown) => deps.logger.warn({ err }, 'host sampling failed'));
  return { tick, stop: () => clearInterval(timer) };
}

/** The hosts that sampled within HOST_STATS_MAX_AGE_MS, with their warnings; older entries are removed. */
export async function listHostStats(redis: Redis, prefix: string, now = Date.now()): Promise<HostStats[]> {
  const key = hostStatsKey(prefix);
  const entries = await redis.hgetall(key);
  const hosts: HostStats[] = [];
  const stale: string[] = [];
  for (const [host, json] of Object.entries(entries)) {
    const sample = JSON.parse(json) as HostSample;
    if (now - sample.at > HOST_STATS_MAX_AGE_MS) stale.push(host);
    else hosts.push({ ...sample, warnings: hostWarnings(sample) });
  }
  if (stale.length > 0) await redis.hdel(key, ...stale);
  return hosts.sort((a, b) => a.host.localeCompare(b.host));
}
