import type { MediaDto } from '@fjord/api';
import { describe, expect, it } from 'vitest';
import { toRestMedia } from './rest-media.handler';

const PUBLIC_URL = 'https://fjord.example';
/** What the REST body shows of a media as it is. */
const restFields = {
  id: '0b4f3c5e-8d7a-4e6f-9a1b-2c3d4e5f6a7b',
  kind: 'IMAGE' as const,
  status: 'READY' as const,
  originalName: 'cat.jpg',
  mimeType: 'image/jpeg',
  sizeBytes: 1234,
  width: 640,
  height: 480,
  error: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:02.000Z',
};
const image: MediaDto = {
  ...restFields,
  durationMs: null,
  videoCodec: null,
  audioCodec: null,
  bitrate: null,
  rotation: null,
  originalUrl: '/files/x/original',
  thumbnailUrl: '/files/x/thumb-webp',
  posterUrl: null,
  hlsUrl: null,
  placeholder: { thumbhash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', color: '#4a6b2f' },
  renditions: [
    {
      name: 'thumb-webp',
      format: 'webp',
      mimeType: 'image/webp',
      width: 320,
      height: 240,
      bytes: 99,
      url: '/files/x/thumb-webp',
      bitrate: null,
      durationMs: null,
    },
  ],
};

describe('toRestMedia', () => {
  it('an image: the schema fields only (no page URLs, no video facts), rendition URLs absolute', () => {
    const body = toRestMedia(image, PUBLIC_URL);
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      ...restFields,
      placeholder: { thumbhash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', color: '#4a6b2f' },
      renditions: [
        {
          name: 'thumb-webp',
          format: 'webp',
          width: 320,
          height: 240,
          bytes: 99,
          url: `${PUBLIC_URL}/files/x/thumb-webp`,
        },
      ],
    });
  });

  it('a video: its probe facts grouped under `video`, bitrate and length on its video renditions', () => {
    const video: MediaDto = {
      ...image,
      kind: 'VIDEO',
      durationMs: 5000,
      videoCodec: 'h264',
      audioCodec: null,
      bitrate: 800_000,
      rotation: 0,
      placeholder: null,
      renditions: [
        {
          name: 'mp4-720',
          format: 'mp4',
          mimeType: 'video/mp4',
          width: 1280,
          height: 720,
          bytes: 5,
          url: '/files/x/mp4-720',
          bitrate: 700_000,
          durationMs: 5000,
        },
        {
          name: 'poster-jpg',
          format: 'jpeg',
          mimeType: 'image/jpeg',
          width: 1280,
          height: 720,
          bytes: 3,
          url: '/files/x/poster-jpg',
          bitrate: null,
          durationMs: null,
        },
      ],
    };
    const body = JSON.parse(JSON.stringify(toRestMedia(video, PUBLIC_URL)));
    expect(body.video).toEqual({
      durationMs: 5000,
      videoCodec: 'h264',
      audioCodec: null,
      bitrate: 800_000,
      rotation: 0,
    });
    expect(body.renditions).toEqual([
      {
        name: 'mp4-720',
        format: 'mp4',
        width: 1280,
        height: 720,
        bytes: 5,
        bitrate: 700_000,
        durationMs: 5000,
        url: `${PUBLIC_URL}/files/x/mp4-720`,
      },
      {
        name: 'poster-jpg',
        format: 'jpeg',
        width: 1280,
        height: 720,
        bytes: 3,
        url: `${PUBLIC_URL}/files/x/poster-jpg`,
      },
    ]);
    expect(Object.keys(body)).not.toContain('durationMs');
  });
});
