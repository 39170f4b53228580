import { describe, expect, it } from 'vitest';
import { parseStoryboardVtt, storyboardTileAt } from './storyboard-vtt';

const VTT = [
  'WEBVTT',
  '',
  '00:00:00.000 --> 00:00:02.000',
  'storyboard-jpg#xywh=0,0,160,90',
  '',
  '00:00:02.000 --> 00:00:04.000',
  'storyboard-jpg#xywh=160,0,160,90',
  '',
  'broken',
  '00:00:04.000 --> 00:00:05.000',
  'storyboard-jpg#xywh=a,b',
  '',
  '01:00:04.000 --> 01:00:06.500',
  'https://cdn.example/s.jpg#xywh=320,90,160,90',
  '',
].join('\r\n');

describe('parseStoryboardVtt', () => {
  it('reads tiles, resolving the sprite against the VTT URL, and skips broken cues', () => {
    const tiles = parseStoryboardVtt(VTT, 'https://fjord.test/stream/tok/m1/storyboard-vtt');
    expect(tiles).toEqual([
      { start: 0, end: 2, url: 'https://fjord.test/stream/tok/m1/storyboard-jpg', x: 0, y: 0, w: 160, h: 90 },
      {
        start: 2,
        end: 4,
        url: 'https://fjord.test/stream/tok/m1/storyboard-jpg',
        x: 160,
        y: 0,
        w: 160,
        h: 90,
      },
      { start: 3604, end: 3606.5, url: 'https://cdn.example/s.jpg', x: 320, y: 90, w: 160, h: 90 },
    ]);
  });

  it('finds the tile for a time: the covering cue, the one before a gap, the first before all', () => {
    const tiles = parseStoryboardVtt(VTT, 'https://fjord.test/files/m1/storyboard-vtt');
    expect(storyboardTileAt(tiles, 2.5)?.x).toBe(160);
    expect(storyboardTileAt(tiles, 2)?.x).toBe(160);
    expect(storyboardTileAt(tiles, 100)?.x).toBe(160);
    expect(storyboardTileAt(tiles, 3605)?.x).toBe(320);
    expect(storyboardTileAt([], 1)).toBeUndefined();
  });
});
