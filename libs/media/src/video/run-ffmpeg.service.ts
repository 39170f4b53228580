import { spawn } from 'node:child_process';
import { storageFullError } from '@fjord/errors';
import { childCpuMs, starvedChildError } from '../child-cpu';
import { MediaProcessingError } from '../media-processing.error';

export type RunFfmpegOptions = {
  /** Arguments after the binary; `-progress pipe:1 -nostats` are put in front of them. */
  args: string[];
  /** Expected output duration, so progress can be a fraction. */
  durationMs: number;
  /** Wall-clock limit; the child is killed past it. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** 0–1, at most a few times per second. */
  onProgress?: (fraction: number) => void;
  binary?: string;
};

/** Thrown when the caller aborted (the media was deleted): not a property of the file. */
export class FfmpegAbortedError extends Error {
  override readonly name = 'FfmpegAbortedError';
}

/** Reads `key=value` lines of `-progress pipe:1`; returns the latest fraction done, if any. */
export function parseFfmpegProgress(chunk: string, durationMs: number): number | undefined {
  let fraction: number | undefined;
  for (const line of chunk.split('\n')) {
    const [key, value] = line.trim().split('=');
    if (key === 'out_time_us' || key === 'out_time_ms') {
      // Both are microseconds (out_time_ms is misnamed in ffmpeg).
      const us = Number(value);
      if (Number.isFinite(us) && us >= 0 && durationMs > 0) fraction = Math.min(1, us / 1000 / durationMs);
    } else if (key === 'progress' && value === 'end') {
      fraction = 1;
    }
  }
  return fraction;
}

/**
 * `-timelimit`, ffmpeg's own limit on its CPU time (every thread): a backstop that ends it when the worker
 * that started it died (a SIGKILLed worker's children live on). It is what the decoder, filter and encoder
 * threads can spend in the wall-clock timeout, so a live run meets the timer first, whose verdict weighs
 * the CPU it got (starvedChildError). At the timeout itself, a two-thread encode hit it at half the
 * timeout and exited "normally, received signal 24" — a failure nothing classified, retried, then failed
 * with a general sentence.
 */
export function ffmpegCpuLimitArgs(opts: { timeoutMs: number; threads: number }): string[] {
  return ['-timelimit', String(Math.ceil((opts.timeoutMs / 1000) * (2 * opts.threads + 1)))];
}

/**
 * Runs ffmpeg as a child and resolves only once it has exited, so a timeout or abort never leaves a
 * process behind: SIGKILL, then wait for 'close'. stderr is kept (bounded) for the error message.
 */
export function runFfmpeg(opts: RunFfmpegOptions): Promise<void> {
  const { durationMs, timeoutMs, signal, onProgress } = opts;
  if (signal?.aborted) return Promise.reject(new FfmpegAbortedError('Aborted before start'));
  return new Promise((resolve, reject) => {
    const child = spawn(opts.binary ?? 'ffmpeg', ['-progress', 'pipe:1', '-nostats', ...opts.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let reason: 'timeout' | 'aborted' | undefined;
    let cpuMsAtTimeout: number | undefined;
    let lastReported = -1;
    const kill = (why: 'timeout' | 'aborted') => {
      if (why === 'timeout' && !reason) cpuMsAtTimeout = childCpuMs(child.pid);
      reason ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('timeout'), timeoutMs);
    const onAbort = () => kill('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const fraction = parseFfmpegProgress(chunk, durationMs);
      if (fraction === undefined || !onProgress) return;
      // Whole percents only: BullMQ progress is a Redis write.
      const percent = Math.floor(fraction * 100);
      if (percent > lastReported) {
        lastReported = percent;
        onProgress(percent / 100);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', (err) => {
      // spawn failed (ffmpeg missing): 'close' may not follow.
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(
        new MediaProcessingError('unknown', 'The video processor could not be started', false, {
          cause: err,
        }),
      );
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (reason === 'aborted')
        return reject(new FfmpegAbortedError('ffmpeg was stopped: the job was cancelled'));
      if (reason === 'timeout') {
        const starved = starvedChildError({
          cpuMs: cpuMsAtTimeout,
          timeoutMs,
          sentence: `This worker was too busy to process the video within ${Math.round(timeoutMs / 1000)} s; it will be retried`,
        });
        if (starved) return reject(starved);
        return reject(
          new MediaProcessingError(
            'too_large',
            `Video processing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`,
            true,
          ),
        );
      }
      if (code === 0) return resolve();
      reject(classifyFfmpegError(stderr, code, sig));
    });
  });
}

const CORRUPT =
  /moov atom not found|invalid data found|truncat|end of file|error while decoding|corrupt|EBML header parsing failed|partial file/i;

/** ffmpeg reports a full disk only in its stderr (strerror of ENOSPC / EDQUOT). */
const NO_SPACE = /No space left on device|Disk quota exceeded/i;

export function classifyFfmpegError(stderr: string, code: number | null, sig: NodeJS.Signals | null) {
  const last = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300);
  // Checked first: a write cut short can also print "partial file"-like lines, and it is never the file.
  if (NO_SPACE.test(stderr)) return storageFullError(new Error(`ffmpeg: ${last}`));
  if (CORRUPT.test(stderr)) {
    return new MediaProcessingError('corrupt', 'The video file is corrupt or truncated', true, {
      details: { stderr: last },
    });
  }
  const how = sig ? `signal ${sig}` : `exit code ${code}`;
  // stderr is for operators: it stays in details (logged with the error), never in the message.
  return new MediaProcessingError('unknown', 'The video could not be processed', false, {
    details: { exit: how, stderr: last },
  });
}
