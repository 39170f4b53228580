import { describe, expect, it } from 'vitest';
import { fitShortSide, shouldRenderVariant } from './render-video-variant.service';
import { parseFfmpegProgress } from './run-ffmpeg.service';
import { toVideoInfo } from './probe-video.service';

const stream = (over: Record<string, unknown> = {}) => ({
  codec_type: 'video',
  codec_name: 'h264',
  width: 1920,
  height: 1080,
  ...over,
});

describe('toVideoInfo (the allowlist)', () => {
  it('accepts MP4 H.264/AAC and swaps dimensions for a 90° rotation', () => {
    const info = toVideoInfo({
      format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '2.5', bit_rate: '800000' },
      streams: [stream({ side_data_list: [{ rotation: -90 }] }), { codec_type: 'audio', codec_name: 'aac' }],
    });
    expect(info).toMatchObject({
      demuxer: 'mov',
      width: 1080,
      height: 1920,
      rotation: 270,
      durationMs: 2500,
      bitrate: 800000,
    });
  });
  it.each([
    [{ format_name: 'avi', duration: '1' }, [stream()], /container \(avi\)/],
    [{ format_name: 'matroska,webm', duration: '1' }, [stream({ codec_name: 'mpeg4' })], /video codec mpeg4/],
    [
      { format_name: 'matroska,webm', duration: '1' },
      [stream(), { codec_type: 'audio', codec_name: 'flac' }],
      /audio codec flac/,
    ],
    [
      { format_name: 'matroska,webm', duration: '1' },
      [{ codec_type: 'audio', codec_name: 'opus' }],
      /no video stream/,
    ],
  ])('refuses %j with a reason', (format, streams, reason) => {
    expect(() => toVideoInfo({ format, streams })).toThrow(reason);
  });
});

describe('ladder maths', () => {
  it('never upscales and keeps even dimensions', () => {
    expect(fitShortSide({ width: 1920, height: 1080 }, 360)).toEqual({ width: 640, height: 360 });
    expect(fitShortSide({ width: 1080, height: 1920 }, 720)).toEqual({ width: 720, height: 1280 });
    expect(fitShortSide({ width: 320, height: 180 }, 1080)).toEqual({ width: 320, height: 180 });
    expect(fitShortSide({ width: 853, height: 480 }, 360)).toEqual({ width: 640, height: 360 });
  });
  it('skips rungs the source is too small for', () => {
    const rung = (skipUnlessSourceAbove: number) => ({
      name: 'x',
      kind: 'rendition' as const,
      shortSide: 1,
      skipUnlessSourceAbove,
    });
    expect(shouldRenderVariant({ width: 640, height: 480 }, rung(360))).toBe(true);
    expect(shouldRenderVariant({ width: 640, height: 480 }, rung(720))).toBe(false);
    expect(shouldRenderVariant({ width: 320, height: 180 }, rung(0))).toBe(true);
  });
});

describe('parseFfmpegProgress', () => {
  it('reads out_time_us and progress=end', () => {
    expect(parseFfmpegProgress('frame=10\nout_time_us=500000\nprogress=continue\n', 2000)).toBe(0.25);
    expect(parseFfmpegProgress('out_time_us=N/A\n', 2000)).toBeUndefined();
    expect(parseFfmpegProgress('progress=end\n', 2000)).toBe(1);
  });
});
