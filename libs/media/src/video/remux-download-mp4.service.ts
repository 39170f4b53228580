import fs from 'node:fs/promises';
import path from 'node:path';
import type { RenderedCmafLadder } from './render-cmaf-ladder.service';
import { ffmpegCpuLimitArgs, runFfmpeg } from './run-ffmpeg.service';
import type { VideoRunOptions } from './video.types';

/** The file name of the progressive download beside the ladder's tracks (in the ladder's temp folder). */
export const DOWNLOAD_MP4_FILE = 'download.mp4';

/** A track's init segment and its media segments back to back: a valid fragmented MP4 (CMAF). */
async function joinTrack(dir: string, track: { init: string; segments: { uri: string }[] }, to: string) {
  const out = await fs.open(to, 'w');
  try {
    // One ~4 s segment in memory at a time.
    for (const part of [track.init, ...track.segments.map((s) => s.uri)]) {
      await out.write(await fs.readFile(path.join(dir, part)));
    }
  } finally {
    await out.close();
  }
}

/**
 * The progressive download MP4 (issue 15: "the top rung, +faststart") made from the ladder's own top rung
 * and audio track without encoding: each track's init + segments joined into a fragmented MP4, then
 * ffmpeg stream-copies both into one `+faststart` MP4. Inputs are only files this process just wrote
 * (never a user's playlist or URL); still an explicit demuxer, `file` protocol only and the time limits.
 * Writes `<dir>/download.mp4` and returns its size.
 */
export async function remuxDownloadMp4(deps: {
  ladder: Pick<RenderedCmafLadder, 'dir' | 'rungs' | 'audio'>;
  durationMs: number;
  opts: VideoRunOptions;
}): Promise<{ file: string; path: string; bytes: number; width: number; height: number }> {
  const { ladder, opts } = deps;
  const top = ladder.rungs.at(-1);
  if (!top) throw new Error('The ladder has no rung to remux a download of');
  const work = await fs.mkdtemp(path.join(ladder.dir, '.remux-'));
  try {
    const video = path.join(work, 'video.mp4');
    await joinTrack(ladder.dir, top, video);
    const inputs = ['-f', 'mov', '-i', `file:${video}`];
    if (ladder.audio) {
      const audio = path.join(work, 'audio.mp4');
      await joinTrack(ladder.dir, ladder.audio, audio);
      inputs.push('-f', 'mov', '-i', `file:${audio}`);
    }
    const output = path.join(ladder.dir, DOWNLOAD_MP4_FILE);
    await runFfmpeg({
      ...opts,
      durationMs: deps.durationMs,
      args: [
        ...['-hide_banner', '-nostdin', '-v', 'error', '-y'],
        ...ffmpegCpuLimitArgs(opts),
        ...['-protocol_whitelist', 'file,pipe'],
        ...inputs,
        ...['-map', '0:v:0', ...(ladder.audio ? ['-map', '1:a:0'] : []), '-c', 'copy'],
        ...['-map_metadata', '-1', '-movflags', '+faststart', '-f', 'mp4', `file:${output}`],
      ],
    });
    const { size } = await fs.stat(output);
    return { file: DOWNLOAD_MP4_FILE, path: output, bytes: size, width: top.width, height: top.height };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
