import fs from 'node:fs/promises';
import { isStorageFullError, storageFullError } from '@fjord/errors';
import os from 'node:os';
import path from 'node:path';
import {
  avcCodecString,
  CMAF_AUDIO,
  CMAF_GOP_SECONDS,
  cmafOutputArgs,
  ladderFrameRate,
  parseMuxerPlaylist,
  planCmafRungs,
  type PlannedRung,
} from './cmaf-ladder';
import { emptyOutputError, inputArgs, NEARLY_FULL_BYTES } from './render-video-variant.service';
import { runFfmpeg } from './run-ffmpeg.service';
import type { VideoInfo, VideoRunOptions } from './video.types';

/** AAC-LC, what ffmpeg's native encoder writes. */
const AAC_LC = 'mp4a.40.2';

export interface CmafTrackFiles {
  name: string;
  codecs: string;
  /** Peak and average bits/s of this track alone. */
  peakBitrate: number;
  averageBitrate: number;
  init: string;
  segments: { uri: string; duration: number; bytes: number }[];
}

export interface RenderedCmafLadder {
  /** Temp folder holding `<track>/init.mp4` and `<track>/seg-NNNNN.m4s`; the caller stores and cleans up. */
  dir: string;
  rungs: (CmafTrackFiles & { width: number; height: number; frameRate: number })[];
  audio: (CmafTrackFiles & { channels: number; sampleRate: number }) | null;
  gopSeconds: number;
  /** Every file to store, relative to `dir`. */
  files: string[];
  bytes: number;
  cleanup(): Promise<void>;
}

/** Reads back one track ffmpeg wrote: renames its init to `init.mp4`, sizes the segments. */
async function readTrack(dir: string, name: string) {
  const trackDir = path.join(dir, name);
  const listed = parseMuxerPlaylist(await fs.readFile(path.join(trackDir, 'index.m3u8'), 'utf8'));
  await fs.rename(path.join(trackDir, path.basename(listed.init)), path.join(trackDir, 'init.mp4'));
  await fs.rm(path.join(trackDir, 'index.m3u8'));
  const segments = [];
  for (const s of listed.segments) {
    const { size } = await fs.stat(path.join(trackDir, path.basename(s.uri)));
    if (size === 0) throw await emptyOutputError(dir);
    segments.push({ uri: `${name}/${path.basename(s.uri)}`, duration: s.duration, bytes: size });
  }
  if (segments.length === 0) throw new Error(`ffmpeg wrote no segment for ${name}`);
  const seconds = segments.reduce((sum, s) => sum + s.duration, 0);
  const bits = segments.reduce((sum, s) => sum + s.bytes * 8, 0);
  return {
    name,
    init: `${name}/init.mp4`,
    segments,
    peakBitrate: Math.ceil(Math.max(...segments.map((s) => (s.bytes * 8) / s.duration))),
    averageBitrate: Math.ceil(bits / seconds),
    initBytes: await fs.readFile(path.join(trackDir, 'init.mp4')),
  };
}

/**
 * The streaming ladder of one video in ONE ffmpeg: one decode, `split` to every rung, one shared AAC
 * track, CMAF segments with 2 s GOPs aligned across rungs (docs/adr/0016-cmaf-ladder.md). Same
 * containment as every other command (protocol whitelist, explicit demuxer, time limits); output stays
 * in a private temp folder until the caller stores it. `select` renders a subset (the benchmark's
 * per-rung comparison).
 */
export async function renderCmafLadder(deps: {
  input: string;
  info: VideoInfo;
  opts: VideoRunOptions;
  tempRoot?: string;
  select?: { rungs: string[]; audio: boolean };
}): Promise<RenderedCmafLadder> {
  const { input, info, opts } = deps;
  const planned: PlannedRung[] = planCmafRungs(info).filter(
    (r) => !deps.select || deps.select.rungs.includes(r.name),
  );
  const hasAudio = info.hasAudio && (deps.select?.audio ?? true);
  const root = deps.tempRoot ?? os.tmpdir();
  const dir = await fs.mkdtemp(path.join(root, 'fjord-cmaf-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const names = [...planned.map((r) => r.name), ...(hasAudio ? [CMAF_AUDIO.name] : [])];
    await Promise.all(names.map((n) => fs.mkdir(path.join(dir, n))));
    const args = [
      ...inputArgs(input, info, opts),
      ...cmafOutputArgs({ info, rungs: planned, hasAudio, outDir: dir, threads: opts.threads }),
    ];
    await runFfmpeg({ ...opts, args, durationMs: info.durationMs });
    const frameRate = ladderFrameRate(info);
    const rungs = [];
    for (const r of planned) {
      const { initBytes, ...track } = await readTrack(dir, r.name);
      rungs.push({
        ...track,
        codecs: avcCodecString(initBytes),
        width: r.width,
        height: r.height,
        frameRate,
      });
    }
    let audio: RenderedCmafLadder['audio'] = null;
    if (hasAudio) {
      const { initBytes: _init, ...track } = await readTrack(dir, CMAF_AUDIO.name);
      audio = { ...track, codecs: AAC_LC, channels: CMAF_AUDIO.channels, sampleRate: CMAF_AUDIO.sampleRate };
    }
    const tracks = [...rungs, ...(audio ? [audio] : [])];
    const files = tracks.flatMap((t) => [t.init, ...t.segments.map((s) => s.uri)]);
    let bytes = 0;
    for (const f of files) bytes += (await fs.stat(path.join(dir, f))).size;
    return { dir, rungs, audio, gopSeconds: CMAF_GOP_SECONDS, files, bytes, cleanup };
  } catch (err) {
    // On a (nearly) full scratch disk the HLS muxer can stop short without saying so (a playlist or a
    // segment missing, an fs call failing): the disk's fault, so the job waits for space (ADR 0013).
    const full = !isStorageFullError(err) && (await isNearlyFull(dir));
    await cleanup();
    throw full ? storageFullError(err) : err;
  }
}

async function isNearlyFull(dir: string): Promise<boolean> {
  const stats = await fs.statfs(dir).catch(() => null);
  return stats !== null && stats.bavail * stats.bsize < NEARLY_FULL_BYTES;
}
