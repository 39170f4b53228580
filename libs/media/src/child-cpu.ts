import { readFileSync } from 'node:fs';
import { AppError } from '@fjord/errors';
import { MediaProcessingError } from './media-processing.error';

/** Clock ticks per second of /proc's CPU times: USER_HZ, 100 on every Linux this runs on. */
const USER_HZ = 100;

/**
 * CPU time (user + system, every thread) a running child has used, from /proc/<pid>/stat; undefined when it
 * cannot be read (already gone, or no /proc): then nothing says the machine was busy.
 */
export function childCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, so utime
    // (14) and stime (15) are at 11 and 12 of the rest.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a child killed at its wall-clock limit means. It had at least half the limit in CPU time and still
 * had not finished, or its CPU time is unknown: the input costs too much (`null`: the caller's too_large).
 * Less: it was kept waiting — a busy machine (or slow storage, or paging) — and is retried as
 * infrastructure (the queue waits it out, /img answers 503): a good upload must not fail for a loud
 * neighbour.
 */
export function starvedChildError(opts: {
  cpuMs: number | undefined;
  timeoutMs: number;
  sentence: string;
}): MediaProcessingError | null {
  const { cpuMs, timeoutMs } = opts;
  if (cpuMs === undefined || cpuMs >= timeoutMs / 2) return null;
  return new MediaProcessingError('unknown', opts.sentence, false, {
    details: { timeoutMs, cpuMs },
    cause: new AppError('unavailable', `the child had ${Math.round(cpuMs)} ms of CPU in ${timeoutMs} ms`),
  });
}
