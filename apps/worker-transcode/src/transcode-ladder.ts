import { createReadStream } from 'node:fs';
import path from 'node:path';
import { renderCmafLadder, type VideoInfo, type VideoRunOptions } from '@fjord/media';
import {
  assertJobLockHeld,
  isJobLockHeld,
  JobLockLostError,
  streamManifestOf,
  type Job,
  type TranscodeJobResult,
} from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';

/**
 * Renders the CMAF ladder and stores every file under this attempt's own folder (ADR 0014 generalised to
 * a prefix). Fenced like putFencedOutput: nothing is written once another worker owns the job, and a
 * folder written while the lock went is taken back whole. Returns the result finalize commits.
 */
export async function transcodeLadder(deps: {
  job: Job;
  storage: Pick<BlobStore, 'put' | 'deletePrefix'>;
  input: string;
  info: VideoInfo;
  prefix: string;
  tempRoot: string;
  opts: VideoRunOptions;
}): Promise<Omit<TranscodeJobResult, 'variant' | 'sourceWidth' | 'sourceHeight' | 'video'>> {
  const { job, storage, prefix, info } = deps;
  const out = await renderCmafLadder({ input: deps.input, info, opts: deps.opts, tempRoot: deps.tempRoot });
  try {
    await assertJobLockHeld(job);
    try {
      for (const file of out.files) {
        deps.opts.signal?.throwIfAborted();
        await storage.put(`${prefix}${file}`, createReadStream(path.join(out.dir, file)));
      }
    } catch (err) {
      await storage.deletePrefix(prefix).catch(() => undefined);
      throw err;
    }
    if (!(await isJobLockHeld(job))) {
      await storage.deletePrefix(prefix).catch(() => undefined);
      throw new JobLockLostError(job.id);
    }
    const stream = streamManifestOf(out, info.durationMs);
    const top = stream.rungs.at(-1)!;
    return {
      format: 'cmaf',
      mimeType: 'application/vnd.apple.mpegurl',
      width: top.width,
      height: top.height,
      bytes: out.bytes,
      storageKey: prefix,
      durationMs: info.durationMs,
      bitrate: top.averageBandwidth,
      stream,
    };
  } finally {
    await out.cleanup();
  }
}
