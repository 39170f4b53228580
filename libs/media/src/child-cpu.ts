import { readFileSync } from 'node:fs';
import { AppError } from '@fjord/errors';
import { MediaProcessingError } from './media-processing.error';

/** Clock ticks per second of /proc's CPU times: USER_HZ, 100 on every Linux this runs on. */
const USER_HZ = 100;

/**
 * CPU time (user + system, every thread) a running child has used, from /proc/<pid>/stat; 0 when it cannot
 * be read (already gone, or no /proc), which counts as "not computing" — the retryable side.
 */
export function childCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, so utime
    // (14) and stime (15) are at 11 and 12 of the rest.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / USER_HZ || 0;
  } catch {
    return 0;
  }
}

/**
 * What a child killed at its wall-clock limit means. It had at least half the limit in CPU time and still
 * had not finished: the input costs too much (`null`: the caller's too_large). Less: the machine was too
 * busy to give it the time — retried as infrastructure (the queue waits it out, /img answers 503), because
 * a good upload must not fail for a loud neighbour.
 */
export function starvedChildError(opts: {
  cpuMs: number;
  timeoutMs: number;
  sentence: string;
}): MediaProcessingError | null {
  const { cpuMs, timeoutMs } = opts;
  if (cpuMs >= timeoutMs / 2) return null;
  return new MediaProcessingError('unknown', opts.sentence, false, {
    details: { timeoutMs, cpuMs },
    cause: new AppError('unavailable', `the child had ${Math.round(cpuMs)} ms of CPU in ${timeoutMs} ms`),
  });
}
