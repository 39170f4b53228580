import { createReadStream } from 'node:fs';
import path from 'node:path';
import { remuxDownloadMp4, renderCmafLadder, type VideoInfo, type VideoRunOptions } from '@fjord/media';
import {
  assertJobLockHeld,
  DOWNLOAD_MP4_RENDITION,
  isJobLockHeld,
  JobLockLostError,
  streamManifestOf,
  type Job,
  type TranscodeJobResult,
} from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';

/**
 * Renders the CMAF ladder, remuxes its top rung + audio into the progressive download MP4 (stream copy,
 * no encode; docs/adr/0026-download-mp4-from-ladder.md) and stores every file under this attempt's own
 * folder (ADR 0014 generalised to a prefix). Fenced like putRunFile: nothing is written once another worker owns the job, and a
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
    // Its own progress would restart the bar at 0: the remux is a few percent of the ladder's time.
    const { onProgress: _progress, ...quiet } = deps.opts;
    const download = await remuxDownloadMp4({ ladder: out, durationMs: info.durationMs, opts: quiet });
    await assertJobLockHeld(job);
    try {
      for (const file of [...out.files, download.file]) {
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
      alsoRendered: [
        {
          variant: DOWNLOAD_MP4_RENDITION,
          format: 'mp4',
          mimeType: 'video/mp4',
          width: download.width,
          height: download.height,
          bytes: download.bytes,
          storageKey: `${prefix}${download.file}`,
          durationMs: info.durationMs,
          bitrate: info.durationMs > 0 ? Math.round((download.bytes * 8000) / info.durationMs) : null,
        },
      ],
    };
  } finally {
    await out.cleanup();
  }
}
