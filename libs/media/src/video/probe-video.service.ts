import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { MediaProcessingError } from '../media-processing.error';
import { ALLOWED_AUDIO_CODECS, ALLOWED_DEMUXERS, ALLOWED_VIDEO_CODECS, type VideoInfo } from './video.types';

type ProbeStream = {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
};
type ProbeOutput = {
  format?: { format_name?: string; duration?: string; bit_rate?: string; size?: string };
  streams?: ProbeStream[];
};

const ACCEPTED = 'Fjord accepts MP4, MOV, WebM and MKV with H.264, HEVC, VP9 or AV1 video.';

function unsupported(reason: string, details?: Record<string, unknown>) {
  return new MediaProcessingError('unsupported', `${reason}. ${ACCEPTED}`, true, { details });
}

export function normalizeRotation(stream: ProbeStream): number {
  const raw =
    stream.side_data_list?.find((s) => typeof s.rotation === 'number')?.rotation ??
    Number(stream.tags?.rotate ?? 0);
  const deg = Math.round((Number.isFinite(raw) ? raw : 0) / 90) * 90;
  return ((deg % 360) + 360) % 360;
}

/** Applies the allowlist to ffprobe's JSON; throws a MediaProcessingError with the reason otherwise. */
export function toVideoInfo(probe: ProbeOutput): VideoInfo {
  const formatName = probe.format?.format_name ?? '';
  const names = formatName.split(',');
  const demuxer =
    names.includes('mov') || names.includes('mp4') ? 'mov' : names.includes('matroska') ? 'matroska' : null;
  if (!demuxer) throw unsupported(`The container (${formatName || 'unknown'}) is not supported`);
  const video = probe.streams?.find((s) => s.codec_type === 'video' && (s.width ?? 0) > 0);
  if (!video?.codec_name) throw unsupported('The file has no video stream');
  if (!ALLOWED_VIDEO_CODECS.has(video.codec_name)) {
    throw unsupported(`The video codec ${video.codec_name} is not supported`, { codec: video.codec_name });
  }
  const audio = probe.streams?.find((s) => s.codec_type === 'audio');
  if (audio && !ALLOWED_AUDIO_CODECS.has(audio.codec_name ?? '')) {
    throw new MediaProcessingError(
      'unsupported',
      `The audio codec ${audio.codec_name ?? 'unknown'} is not supported. Fjord accepts AAC, Opus or MP3 audio.`,
      true,
    );
  }
  const durationMs = Math.round(Number(probe.format?.duration ?? 0) * 1000);
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw new MediaProcessingError('corrupt', 'The video file is corrupt or truncated (no duration)', true);
  }
  const rotation = normalizeRotation(video);
  const isSwapped = rotation === 90 || rotation === 270;
  const w = video.width ?? 0;
  const h = video.height ?? 0;
  const bitrate = Number(probe.format?.bit_rate ?? 0);
  return {
    demuxer,
    containerName: formatName,
    durationMs,
    width: isSwapped ? h : w,
    height: isSwapped ? w : h,
    rotation,
    videoCodec: video.codec_name,
    audioCodec: audio?.codec_name ?? null,
    bitrate: Number.isFinite(bitrate) ? Math.round(bitrate) : 0,
    hasAudio: Boolean(audio),
    frameRate: parseFrameRate(video.avg_frame_rate) ?? parseFrameRate(video.r_frame_rate),
  };
}

/** ffprobe's `30000/1001`; undefined for `0/0` or nonsense (a ladder then falls back to 30 fps). */
export function parseFrameRate(value: string | undefined): number | undefined {
  const [num, den] = (value ?? '').split('/').map(Number);
  const fps = den ? num! / den : Number.NaN;
  return Number.isFinite(fps) && fps > 0 && fps <= 240 ? Math.round(fps * 1000) / 1000 : undefined;
}

const BMFF_BOXES = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip']);

/** ISO-BMFF (a known first box at offset 4) or EBML (Matroska/WebM). */
export function hasVideoSignature(head: Buffer): boolean {
  const box = head.subarray(4, 8).toString('latin1');
  return BMFF_BOXES.has(box) || (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3);
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await fs.open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(16), 0, 16, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * ffprobe restricted to the file protocol and the MP4/Matroska demuxers: a playlist (HLS, concat, …)
 * disguised as .mp4 is refused before any reference in it is opened. The path is passed as `file:`
 * so a name can never be read as another protocol.
 */
export async function probeVideo(
  path: string,
  opts: { timeoutMs?: number; binary?: string } = {},
): Promise<VideoInfo> {
  // ffprobe would pick the MP4 demuxer for any file named .mp4 and call a text file "corrupt".
  if (!hasVideoSignature(await readHead(path))) throw unsupported('This is not a video file');
  const args = [
    '-v',
    'error',
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    ALLOWED_DEMUXERS.join(','),
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    `file:${path}`,
  ];
  return new Promise<VideoInfo>((resolve, reject) => {
    execFile(
      opts.binary ?? 'ffprobe',
      args,
      { timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          if ((err as { code?: unknown }).code === 'ENOENT') {
            return reject(
              new MediaProcessingError('unknown', 'The video processor could not be started', false, {
                cause: err,
              }),
            );
          }
          const text = String(stderr);
          if (/not on whitelist/i.test(text))
            return reject(unsupported('This is not a video container Fjord reads'));
          if (/moov atom not found|truncat|partial file|EBML|end of file/i.test(text)) {
            return reject(
              new MediaProcessingError('corrupt', 'The video file is corrupt or truncated', true),
            );
          }
          return reject(unsupported('The file could not be read as a video', { stderr: text.slice(-300) }));
        }
        try {
          resolve(toVideoInfo(JSON.parse(String(stdout)) as ProbeOutput));
        } catch (e) {
          reject(
            e instanceof MediaProcessingError ? e : unsupported('The file could not be read as a video'),
          );
        }
      },
    );
  });
}
