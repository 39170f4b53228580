import { describe, expect, it } from 'vitest';
import { storyboardLayout, storyboardVtt } from './render-storyboard.service';

describe('storyboardLayout', () => {
  it('takes a tile every 2 s for short clips and 160 px wide tiles in the displayed aspect', () => {
    expect(storyboardLayout({ durationMs: 7_000, width: 1920, height: 1080 })).toEqual({
      intervalMs: 2_000,
      tiles: 4,
      columns: 4,
      rows: 1,
      tileWidth: 160,
      tileHeight: 90,
    });
    expect(storyboardLayout({ durationMs: 7_000, width: 1080, height: 1920 })).toMatchObject({
      tileWidth: 160,
      tileHeight: 284,
    });
  });

  it('stretches the interval so a long video never has more than 100 tiles', () => {
    expect(storyboardLayout({ durationMs: 400_000, width: 640, height: 360 })).toMatchObject({
      intervalMs: 4_000,
      tiles: 100,
      columns: 10,
      rows: 10,
    });
    expect(storyboardLayout({ durationMs: 3_600_000, width: 640, height: 360 })).toMatchObject({
      intervalMs: 36_000,
      tiles: 100,
    });
  });

  it('gives a clip shorter than one interval one tile, never wider than the source', () => {
    expect(storyboardLayout({ durationMs: 800, width: 96, height: 64 })).toEqual({
      intervalMs: 2_000,
      tiles: 1,
      columns: 1,
      rows: 1,
      tileWidth: 96,
      tileHeight: 64,
    });
  });
});

describe('storyboardVtt', () => {
  it('writes one cue per tile, row by row, the last ending at the duration', () => {
    const layout = storyboardLayout({ durationMs: 25_500, width: 320, height: 180 });
    const vtt = storyboardVtt(layout, 25_500, 'storyboard-jpg');
    const cues = vtt.split('\n\n').slice(1);
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    expect(cues).toHaveLength(13);
    expect(cues[0]).toBe('00:00:00.000 --> 00:00:02.000\nstoryboard-jpg#xywh=0,0,160,90');
    expect(cues[10]).toBe('00:00:20.000 --> 00:00:22.000\nstoryboard-jpg#xywh=0,90,160,90');
    expect(cues[12]).toBe('00:00:24.000 --> 00:00:25.500\nstoryboard-jpg#xywh=320,90,160,90\n');
  });
});
