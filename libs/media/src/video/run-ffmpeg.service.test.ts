import { describe, expect, it } from 'vitest';
import { isStorageFullError } from '@fjord/errors';
import { classifyFfmpegError } from './run-ffmpeg.service';

describe('classifyFfmpegError', () => {
  it('a full disk is storage_full (retried), never the file’s fault', () => {
    const stderr =
      '[mp4 @ 0x1] partial file\nav_interleaved_write_frame(): No space left on device\nError writing trailer of /tmp/x/out.mp4: No space left on device';
    const err = classifyFfmpegError(stderr, 1, null);
    expect(err).toMatchObject({ code: 'storage_full' });
    expect(isStorageFullError(err)).toBe(true);
    expect((err as { isPermanent?: boolean }).isPermanent).toBeUndefined();
  });

  it('a corrupt input stays permanent', () => {
    const err = classifyFfmpegError('moov atom not found', 1, null);
    expect(err).toMatchObject({ isPermanent: true, kind: 'corrupt' });
    expect(isStorageFullError(err)).toBe(false);
  });
});
