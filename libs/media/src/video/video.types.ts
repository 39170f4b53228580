/** The demuxers Fjord lets ffmpeg use: ISO-BMFF (MP4/MOV) and Matroska (MKV/WebM). Nothing else parses. */
export const ALLOWED_DEMUXERS = ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm'] as const;
export const ALLOWED_VIDEO_CODECS = new Set(['h264', 'hevc', 'vp9', 'av1']);
export const ALLOWED_AUDIO_CODECS = new Set(['aac', 'opus', 'mp3']);

/** What ffprobe found, after the allowlist; width/height are as displayed (rotation applied). */
export interface VideoInfo {
  /** The explicit input format handed to ffmpeg (`-f`): never left to ffmpeg's guessing. */
  demuxer: 'mov' | 'matroska';
  containerName: string;
  durationMs: number;
  width: number;
  height: number;
  /** Clockwise degrees a player turns the coded picture: 0, 90, 180 or 270. */
  rotation: number;
  videoCodec: string;
  audioCodec: string | null;
  /** Bits per second of the whole file. */
  bitrate: number;
  hasAudio: boolean;
  /** Average frames per second of the video stream, when ffprobe knows it. */
  frameRate?: number;
}

/** Structurally identical to VideoVariant in @fjord/queue's contracts (media must not depend on the queue). */
export interface VideoVariantSpec {
  name: string;
  kind: 'rendition' | 'poster' | 'preview' | 'ladder' | 'storyboard';
  /** Target short side in pixels (360 for "360p"), never exceeding the source. */
  shortSide: number;
  /** Rendered only when the source's short side is larger than this (so no rung is an upscale or a duplicate). */
  skipUnlessSourceAbove: number;
  crf?: number;
  audioKbps?: number;
  previewSeconds?: number;
}

export interface RenderedVideoFile {
  /** Temp file holding the finished output; the caller moves it to storage and calls cleanup(). */
  path: string;
  format: 'mp4' | 'jpeg' | 'webp';
  mimeType: string;
  ext: string;
  width: number;
  height: number;
  bytes: number;
  durationMs: number | null;
  bitrate: number | null;
  cleanup(): Promise<void>;
}

export interface VideoRunOptions {
  /** Threads per ffmpeg (decoder, filters, encoder). */
  threads: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}
