import type { Media } from '@fjord/sdk';
import { describe, expect, it } from 'vitest';
import { streamLines } from './media.command';

const video = {
  id: 'm1',
  streams: {
    hls: 'http://f/stream/t/m1/master.m3u8',
    dash: 'http://f/stream/t/m1/manifest.mpd',
    expiresAt: '2026-12-02T13:00:00.000Z',
    rungs: [
      {
        name: 'v240',
        width: 426,
        height: 240,
        bandwidth: 400_000,
        averageBandwidth: 300_000,
        codecs: 'avc1.64001e',
        frameRate: 25,
      },
      {
        name: 'v360',
        width: 640,
        height: 360,
        bandwidth: 900_000,
        averageBandwidth: 700_000,
        codecs: 'avc1.64001e',
        frameRate: 25,
      },
    ],
    audio: null,
  },
  storyboard: { vtt: 'http://f/stream/t/m1/storyboard.vtt', image: 'http://f/stream/t/m1/storyboard-jpg' },
  captions: [{ lang: 'en', label: 'English', url: 'http://f/stream/t/m1/captions/en.vtt' }],
} as unknown as Media;

describe('fjord status: a READY video', () => {
  it('prints its streams, ladder, storyboard and caption tracks', () => {
    expect(streamLines(video)).toEqual([
      '  hls  http://f/stream/t/m1/master.m3u8',
      '  dash http://f/stream/t/m1/manifest.mpd',
      '  (until 2026-12-02T13:00:00.000Z) v240 426x240 300 kbit/s, v360 640x360 700 kbit/s',
      '  storyboard http://f/stream/t/m1/storyboard.vtt',
      '  captions en (English) http://f/stream/t/m1/captions/en.vtt',
    ]);
  });

  it('prints nothing for an image or a video before READY', () => {
    expect(streamLines({ ...video, streams: null } as Media)).toEqual([]);
  });
});
