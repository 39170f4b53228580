import fs from 'node:fs/promises';

/** CPU seconds a process (and its waited-for children, e.g. ffmpeg) has used, from /proc (Linux only). */
export async function processCpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return Number.NaN;
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14–17 of stat(5): utime, stime, cutime, cstime; after the comm field they start at index 11.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? Number.NaN), 0);
  return ticks / 100;
}

/** CPU seconds of this process (threads and waited-for children: sharp, convert, ffmpeg) and `pids`. */
export async function cpuSecondsOf(pids: (number | undefined)[]): Promise<number> {
  const all = await Promise.all([process.pid, ...pids].map(processCpuSeconds));
  return all.reduce((a, b) => a + b, 0);
}
