import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { deriveTranscodeParallelism } from './transcode-parallelism';

describe('deriveTranscodeParallelism', () => {
  it('runs one job more than there are cores, one libvips thread each, ffmpeg on every core', () => {
    expect(deriveTranscodeParallelism({ cores: 2 })).toEqual({
      transcodeConcurrency: 3,
      sharpConcurrency: 1,
      ffmpegThreads: 2,
    });
    expect(deriveTranscodeParallelism({ cores: 8 })).toEqual({
      transcodeConcurrency: 9,
      sharpConcurrency: 1,
      ffmpegThreads: 8,
    });
    expect(deriveTranscodeParallelism({ cores: 64 }).ffmpegThreads).toBe(16);
    expect(deriveTranscodeParallelism({ cores: 1 })).toEqual({
      transcodeConcurrency: 2,
      sharpConcurrency: 1,
      ffmpegThreads: 1,
    });
  });

  it('gives the cores that few configured jobs leave idle to threads', () => {
    expect(deriveTranscodeParallelism({ cores: 8, transcodeConcurrency: 2 })).toEqual({
      transcodeConcurrency: 2,
      sharpConcurrency: 4,
      ffmpegThreads: 8,
    });
    expect(deriveTranscodeParallelism({ cores: 8, transcodeConcurrency: 3 })).toMatchObject({
      sharpConcurrency: 2,
    });
  });

  it('keeps every explicit setting as given', () => {
    expect(
      deriveTranscodeParallelism({
        cores: 16,
        transcodeConcurrency: 2,
        sharpConcurrency: 1,
        ffmpegThreads: 3,
      }),
    ).toEqual({ transcodeConcurrency: 2, sharpConcurrency: 1, ffmpegThreads: 3 });
  });

  it('treats a fractional or zero core count as at least one core', () => {
    expect(deriveTranscodeParallelism({ cores: 0 }).transcodeConcurrency).toBe(2);
    expect(deriveTranscodeParallelism({ cores: 2.7 }).transcodeConcurrency).toBe(3);
  });
});

describe('parseConfig transcode parallelism', () => {
  const base = { FJORD_DATA_DIR: '/tmp/fjord-config-test' };

  it('derives what is unset from the machine and keeps what is set', () => {
    expect(parseConfig(base)).toMatchObject({
      TRANSCODE_CONCURRENCY: os.availableParallelism() + 1,
      sharpConcurrency: 1,
      ffmpegThreads: Math.min(os.availableParallelism(), 16),
    });
    const pinned = parseConfig({
      ...base,
      TRANSCODE_CONCURRENCY: '2',
      SHARP_CONCURRENCY: '1',
      FFMPEG_THREADS: '1',
    });
    expect(pinned).toMatchObject({ TRANSCODE_CONCURRENCY: 2, sharpConcurrency: 1, ffmpegThreads: 1 });
  });
});
