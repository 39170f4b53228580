import { fitShortSide, shouldRenderVariant } from './render-video-variant.service';
import type { VideoInfo } from './video.types';

/** One rung of the streaming ladder: by short side (portrait-safe), CRF under a VBV cap so BANDWIDTH holds. */
export interface CmafRungSpec {
  name: string;
  shortSide: number;
  skipUnlessSourceAbove: number;
  crf: number;
  maxKbps: number;
}

/** docs/adr/0016-cmaf-ladder.md: 240p for poor links, then today's 360/720/1080; never an upscale. */
export const CMAF_RUNGS: readonly CmafRungSpec[] = [
  { name: 'v240', shortSide: 240, skipUnlessSourceAbove: 0, crf: 28, maxKbps: 500 },
  { name: 'v360', shortSide: 360, skipUnlessSourceAbove: 240, crf: 26, maxKbps: 1000 },
  { name: 'v720', shortSide: 720, skipUnlessSourceAbove: 360, crf: 23, maxKbps: 3500 },
  { name: 'v1080', shortSide: 1080, skipUnlessSourceAbove: 720, crf: 22, maxKbps: 7000 },
];

export const CMAF_AUDIO = { name: 'audio', kbps: 128, channels: 2, sampleRate: 48000 } as const;
/** Key frame every 2 s on every rung (fixed, no scene cuts), so a player switches rungs on any boundary. */
export const CMAF_GOP_SECONDS = 2;
export const CMAF_SEGMENT_SECONDS = 4;
const MAX_FPS = 60;

export type PlannedRung = CmafRungSpec & { width: number; height: number };

/** The rungs a source gets (never upscaled: a rung is dropped unless the source is larger than the one below). */
export function planCmafRungs(info: Pick<VideoInfo, 'width' | 'height'>): PlannedRung[] {
  return CMAF_RUNGS.filter((r) => shouldRenderVariant(info, r)).map((r) => ({
    ...r,
    ...fitShortSide(info, r.shortSide),
  }));
}

/** Output frame rate: the source's (constant), capped at 60; 30 when ffprobe did not know it. */
export function ladderFrameRate(info: Pick<VideoInfo, 'frameRate'>): number {
  return Math.min(MAX_FPS, info.frameRate ?? 30);
}

/**
 * The output side of the single-decode ladder: one `split` feeding a scaler + x264 per rung, one AAC
 * track for all of them, written by the HLS muxer as CMAF (fMP4) segments, one folder per track.
 * ffmpeg's own playlists are only read back for the segment durations; Fjord renders what it serves.
 */
export function cmafOutputArgs(deps: {
  info: VideoInfo;
  rungs: PlannedRung[];
  hasAudio: boolean;
  outDir: string;
  threads: number;
}): string[] {
  const { info, rungs, hasAudio, outDir } = deps;
  const fps = ladderFrameRate(info);
  const gop = Math.max(1, Math.round(fps * CMAF_GOP_SECONDS));
  const args: string[] = [];
  const streamMap: string[] = [];
  if (rungs.length > 0) {
    const graph = [`[0:v:0]split=${rungs.length}${rungs.map((_, i) => `[s${i}]`).join('')}`];
    rungs.forEach((r, i) => {
      graph.push(`[s${i}]scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p[o${i}]`);
    });
    args.push('-filter_complex', graph.join(';'));
    rungs.forEach((r, i) => {
      args.push('-map', `[o${i}]`);
      args.push(`-crf:v:${i}`, String(r.crf), `-maxrate:v:${i}`, `${r.maxKbps}k`);
      args.push(`-bufsize:v:${i}`, `${r.maxKbps * 2}k`);
      streamMap.push(`v:${i},name:${r.name}`);
    });
    args.push(
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-r', String(fps)],
      ...['-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
      ...['-force_key_frames', `expr:gte(t,n_forced*${CMAF_GOP_SECONDS})`],
      ...['-x264-params', 'open_gop=0:scenecut=0'],
    );
  }
  if (hasAudio) {
    args.push('-map', '0:a:0', '-c:a', 'aac', '-b:a', `${CMAF_AUDIO.kbps}k`);
    args.push('-ac', String(CMAF_AUDIO.channels), '-ar', String(CMAF_AUDIO.sampleRate));
    streamMap.push(`a:0,name:${CMAF_AUDIO.name}`);
  }
  args.push(
    ...['-threads', String(deps.threads), '-map_metadata', '-1', '-map_chapters', '-1'],
    ...['-f', 'hls', '-hls_time', String(CMAF_SEGMENT_SECONDS), '-hls_playlist_type', 'vod'],
    ...['-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments'],
    ...['-hls_fmp4_init_filename', 'init.mp4'],
    ...['-hls_segment_filename', `file:${outDir}/%v/seg-%05d.m4s`],
    ...['-var_stream_map', streamMap.join(' ')],
    `file:${outDir}/%v/index.m3u8`,
  );
  return args;
}

/** `#EXTINF` durations and URIs of a playlist ffmpeg wrote (our own output, never user input). */
export function parseMuxerPlaylist(text: string): {
  init: string;
  segments: { uri: string; duration: number }[];
} {
  const lines = text.split('\n').map((l) => l.trim());
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
  if (!init) throw new Error('ffmpeg wrote a playlist without an init segment');
  const segments: { uri: string; duration: number }[] = [];
  lines.forEach((line, i) => {
    const m = /^#EXTINF:([\d.]+)/.exec(line);
    const uri = lines[i + 1];
    if (m && uri && !uri.startsWith('#')) segments.push({ uri, duration: Number(m[1]) });
  });
  return { init, segments };
}

/** RFC 6381 `avc1.PPCCLL` from the avcC box of an H.264 init segment. */
export function avcCodecString(init: Buffer): string {
  const at = init.indexOf('avcC', 0, 'latin1');
  if (at < 0 || at + 8 > init.length) throw new Error('no avcC box in the init segment');
  const hex = (b: number) => b.toString(16).padStart(2, '0');
  return `avc1.${hex(init[at + 5]!)}${hex(init[at + 6]!)}${hex(init[at + 7]!)}`;
}
