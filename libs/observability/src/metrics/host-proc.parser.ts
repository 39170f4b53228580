/**
 * Pure parsers of the /proc files a worker samples its host from (the machine under the queue: noisy
 * neighbours show as steal, slow disks as iowait and IO latency). Deltas are taken between two reads.
 */

export type CpuTimes = { total: number; steal: number; iowait: number };

/** The aggregate `cpu` line of /proc/stat (USER_HZ ticks; guest time is already inside user). */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, steal, iowait };
}

/** Steal and iowait as shares of the CPU time that passed between two reads; null without progress. */
export function cpuRatios(before: CpuTimes, after: CpuTimes): { steal: number; iowait: number } | null {
  const total = after.total - before.total;
  if (!(total > 0)) return null;
  const ratio = (n: number) => Math.min(1, Math.max(0, n / total));
  return { steal: ratio(after.steal - before.steal), iowait: ratio(after.iowait - before.iowait) };
}

export type LoadAverage = { '1m': number; '5m': number; '15m': number };

export function parseLoadAvg(text: string): LoadAverage | null {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (![a, b, c].every((n) => Number.isFinite(n))) return null;
  return { '1m': a!, '5m': b!, '15m': c! };
}

/** `some avg10` of a /proc/pressure/* file, as a ratio (the file gives percent); null when absent. */
export function parsePressureSomeAvg10(text: string): number | null {
  const match = /^some\s+avg10=([\d.]+)/m.exec(text);
  return match ? Number(match[1]) / 100 : null;
}

export type DiskCounters = { ios: number; ioMs: number };

/**
 * Whole block devices only (sda, vdb, xvda, nvme0n1, mmcblk0): partitions, loop, ram, zram and
 * device-mapper devices are left out, so the device label stays a short, bounded list.
 */
const WHOLE_DISK = /^(?:(?:s|v|xv|h)d[a-z]+|nvme\d+n\d+|mmcblk\d+)$/;

/** Completed IOs and the ms spent on them (reads + writes) per whole disk, from /proc/diskstats. */
export function parseDiskStats(text: string): Map<string, DiskCounters> {
  const disks = new Map<string, DiskCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    if (f.length < 14 || !name || !WHOLE_DISK.test(name)) continue;
    const [reads, , , readMs, writes, , , writeMs] = f.slice(3, 11).map(Number);
    disks.set(name, { ios: reads! + writes!, ioMs: readMs! + writeMs! });
  }
  return disks;
}

/** Mean seconds per IO per disk between two reads; a disk with no IO in between reports 0. */
export function diskLatencySeconds(
  before: Map<string, DiskCounters>,
  after: Map<string, DiskCounters>,
): Map<string, number> {
  const latency = new Map<string, number>();
  for (const [name, now] of after) {
    const then = before.get(name);
    if (!then) continue;
    const ios = now.ios - then.ios;
    latency.set(name, ios > 0 ? Math.max(0, now.ioMs - then.ioMs) / ios / 1000 : 0);
  }
  return latency;
}
