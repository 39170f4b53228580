/** One storyboard tile: from `start` to `end` (seconds) the sprite `url` at x,y,w,h shows the picture. */
export type StoryboardTile = {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
};

const TIMING = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})\s+-->\s+(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})/;

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

/**
 * Parses a thumbnail WebVTT (`<image>#xywh=x,y,w,h` per cue, as Fjord, Mux and Bunny write it). Image URLs
 * resolve against the VTT's own URL, so a relative sprite name works under any prefix. Bad cues are skipped.
 */
export function parseStoryboardVtt(text: string, vttUrl: string): StoryboardTile[] {
  const tiles: StoryboardTile[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => TIMING.test(l));
    const t = at >= 0 ? TIMING.exec(lines[at]!) : null;
    const ref = at >= 0 ? lines[at + 1]?.trim() : undefined;
    const hash = ref?.lastIndexOf('#xywh=') ?? -1;
    if (!t || !ref || hash < 0) continue;
    const [x, y, w, h] = ref
      .slice(hash + 6)
      .split(',')
      .map(Number);
    if (![x, y, w, h].every((n) => Number.isInteger(n) && n! >= 0)) continue;
    tiles.push({
      start: seconds(t[1], t[2]!, t[3]!, t[4]!),
      end: seconds(t[5], t[6]!, t[7]!, t[8]!),
      url: new URL(ref.slice(0, hash), vttUrl).toString(),
      x: x!,
      y: y!,
      w: w!,
      h: h!,
    });
  }
  return tiles;
}

/** The tile shown at `time` (seconds): the cue covering it, else the nearest one before it. */
export function storyboardTileAt(tiles: StoryboardTile[], time: number): StoryboardTile | undefined {
  let found: StoryboardTile | undefined;
  for (const tile of tiles) {
    if (tile.start > time) break;
    found = tile;
    if (time < tile.end) break;
  }
  return found ?? tiles[0];
}
