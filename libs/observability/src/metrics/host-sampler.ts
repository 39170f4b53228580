import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { getMetrics } from './fjord-metrics';
import {
  cpuRatios,
  diskLatencySeconds,
  parseDiskStats,
  parseLoadAvg,
  parsePressureSomeAvg10,
  parseProcStat,
  type CpuTimes,
  type DiskCounters,
  type LoadAverage,
} from './host-proc.parser';

/** Above these for HOST_WARN_AFTER_MS, the console warns about the host (the alert rules use the same). */
export const HOST_STEAL_WARN_RATIO = 0.1;
export const HOST_IOWAIT_WARN_RATIO = 0.2;
export const HOST_WARN_AFTER_MS = 60_000;

export type HostSample = {
  host: string;
  at: number;
  cpus: number;
  /** null on the first sample (ratios need two reads). */
  steal: number | null;
  iowait: number | null;
  load: LoadAverage | null;
  /** PSI "some" avg10 ratios; a resource is missing where the kernel has no /proc/pressure. */
  pressure: Partial<Record<'cpu' | 'io' | 'memory', number>>;
  diskLatencySeconds: Record<string, number>;
  /** Since when steal / iowait have stayed above their warning ratio (ms timestamp), else null. */
  stealHighSince: number | null;
  iowaitHighSince: number | null;
};

export type HostSampler = { sample(): Promise<HostSample> };

const readOrNull = (path: string) => readFile(path, 'utf8').catch(() => null);

/**
 * Reads /proc (or `procDir`, for tests) and exports the host gauges; each call is one sample, with
 * ratios over the time since the previous one. Files a kernel does not have are left out, not zero.
 */
export function createHostSampler(opts: { procDir?: string; host?: string; now?: () => number } = {}) {
  const proc = opts.procDir ?? '/proc';
  const host = opts.host ?? os.hostname();
  const now = opts.now ?? Date.now;
  const metrics = getMetrics();
  let lastCpu: CpuTimes | null = null;
  let lastDisks: Map<string, DiskCounters> | null = null;
  let stealHighSince: number | null = null;
  let iowaitHighSince: number | null = null;

  async function sample(): Promise<HostSample> {
    const at = now();
    const [stat, loadavg, diskstats, ...psi] = await Promise.all([
      readOrNull(`${proc}/stat`),
      readOrNull(`${proc}/loadavg`),
      readOrNull(`${proc}/diskstats`),
      ...(['cpu', 'io', 'memory'] as const).map((r) => readOrNull(`${proc}/pressure/${r}`)),
    ]);
    const cpu = stat ? parseProcStat(stat) : null;
    const ratios = cpu && lastCpu ? cpuRatios(lastCpu, cpu) : null;
    lastCpu = cpu ?? lastCpu;
    const disks = diskstats ? parseDiskStats(diskstats) : null;
    const latency = disks && lastDisks ? diskLatencySeconds(lastDisks, disks) : new Map<string, number>();
    lastDisks = disks ?? lastDisks;
    const load = loadavg ? parseLoadAvg(loadavg) : null;
    const pressure: HostSample['pressure'] = {};
    (['cpu', 'io', 'memory'] as const).forEach((resource, i) => {
      const value = psi[i] ? parsePressureSomeAvg10(psi[i]) : null;
      if (value !== null) pressure[resource] = value;
    });
    if (ratios) {
      stealHighSince = ratios.steal > HOST_STEAL_WARN_RATIO ? (stealHighSince ?? at) : null;
      iowaitHighSince = ratios.iowait > HOST_IOWAIT_WARN_RATIO ? (iowaitHighSince ?? at) : null;
    }
    const cpus = os.availableParallelism();

    metrics.hostCpus.set({ host }, cpus);
    if (ratios) {
      metrics.hostCpuSteal.set({ host }, ratios.steal);
      metrics.hostCpuIowait.set({ host }, ratios.iowait);
    }
    if (load)
      for (const [period, value] of Object.entries(load)) metrics.hostLoad.set({ host, period }, value);
    for (const [resource, value] of Object.entries(pressure))
      metrics.hostPressure.set({ host, resource }, value);
    for (const [device, value] of latency) metrics.hostDiskLatency.set({ host, device }, value);

    return {
      host,
      at,
      cpus,
      steal: ratios?.steal ?? null,
      iowait: ratios?.iowait ?? null,
      load,
      pressure,
      diskLatencySeconds: Object.fromEntries(latency),
      stealHighSince,
      iowaitHighSince,
    };
  }

  return { sample } satisfies HostSampler;
}

/** Whether a sample says steal or iowait has stayed high long enough to warn about (console, alerts). */
export function hostWarnings(sample: HostSample, at = sample.at): string[] {
  const warnings: string[] = [];
  const isLong = (since: number | null) => since !== null && at - since >= HOST_WARN_AFTER_MS;
  if (isLong(sample.stealHighSince))
    warnings.push(`CPU steal above ${HOST_STEAL_WARN_RATIO * 100}% for over a minute: a noisy neighbour`);
  if (isLong(sample.iowaitHighSince))
    warnings.push(
      `iowait above ${HOST_IOWAIT_WARN_RATIO * 100}% for over a minute: a slow or saturated disk`,
    );
  return warnings;
}
