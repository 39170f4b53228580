import type { StreamAudioTrack, StreamManifest, StreamVideoTrack } from '@fjord/queue';

/**
 * HLS and DASH for one CMAF presentation, rendered per request from what finalize committed (the
 * `cmaf` rendition's StreamManifest), so they never list a file that is not stored. Every URI is
 * relative: a token in the presentation's path travels to each playlist and segment. Caption tracks
 * are passed in (`subtitles`) and listed beside the ladder (docs/adr/0016-cmaf-ladder.md).
 */
export interface SubtitleTrack {
  /** BCP 47 language tag, e.g. `en`, `pt-BR`. */
  lang: string;
  label: string;
  /** The WebVTT file, relative to the presentation (e.g. `captions/en.vtt`). */
  uri: string;
}

const AUDIO_GROUP = 'aud';
const SUBTITLE_GROUP = 'subs';
const LANG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/;
const RELATIVE_URI = /^[a-zA-Z0-9][a-zA-Z0-9/._-]*$/;

/** A quoted-string attribute may hold neither `"` nor a line break (RFC 8216 §4.2). */
const hlsQuoted = (value: string) => `"${value.replace(/["\r\n]/g, "'")}"`;
const xml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function checkSubtitles(subtitles: SubtitleTrack[]): SubtitleTrack[] {
  for (const s of subtitles) {
    if (!LANG.test(s.lang)) throw new Error(`Invalid subtitle language "${s.lang}"`);
    if (!RELATIVE_URI.test(s.uri) || s.uri.includes('..')) throw new Error(`Invalid subtitle URI "${s.uri}"`);
  }
  return subtitles;
}

/** The HLS media playlist `renderHlsMaster` points at for a caption track. */
export function subtitlePlaylistUri(lang: string): string {
  return `subtitles/${lang}.m3u8`;
}

/** The master playlist: one audio rendition shared by every rung, the rungs, then caption tracks. */
export function renderHlsMaster(input: {
  rungs: StreamVideoTrack[];
  audio: StreamAudioTrack | null;
  subtitles?: SubtitleTrack[];
}): string {
  const { rungs, audio } = input;
  const subtitles = checkSubtitles(input.subtitles ?? []);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (audio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${AUDIO_GROUP}",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,` +
        `CHANNELS="${audio.channels}",URI="${audio.name}/index.m3u8"`,
    );
  }
  subtitles.forEach((s, i) => {
    lines.push(
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${SUBTITLE_GROUP}",NAME=${hlsQuoted(s.label)},` +
        `LANGUAGE="${s.lang}",DEFAULT=${i === 0 ? 'YES' : 'NO'},AUTOSELECT=YES,` +
        `URI="${subtitlePlaylistUri(s.lang)}"`,
    );
  });
  for (const r of rungs) {
    const attrs = [
      `BANDWIDTH=${r.bandwidth + (audio?.bandwidth ?? 0)}`,
      `AVERAGE-BANDWIDTH=${r.averageBandwidth + (audio?.averageBandwidth ?? 0)}`,
      `RESOLUTION=${r.width}x${r.height}`,
      `CODECS="${[r.codecs, ...(audio ? [audio.codecs] : [])].join(',')}"`,
      `FRAME-RATE=${r.frameRate.toFixed(3)}`,
      ...(audio ? [`AUDIO="${AUDIO_GROUP}"`] : []),
      ...(subtitles.length > 0 ? [`SUBTITLES="${SUBTITLE_GROUP}"`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, `${r.name}/index.m3u8`);
  }
  return `${lines.join('\n')}\n`;
}

/** A track's media playlist (served at `<track>/index.m3u8`, so its URIs are relative to the track). */
export function renderHlsMediaPlaylist(track: Pick<StreamVideoTrack, 'name' | 'init' | 'segments'>): string {
  const local = (uri: string) => uri.slice(track.name.length + 1);
  const longest = Math.max(...track.segments.map((s) => s.duration));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.round(longest))}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${local(track.init)}"`,
  ];
  for (const s of track.segments) lines.push(`#EXTINF:${s.duration.toFixed(6)},`, local(s.uri));
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** A caption track as HLS wants it: a media playlist with the whole WebVTT file as its one segment. */
export function renderHlsSubtitlePlaylist(input: { uri: string; durationMs: number }): string {
  const seconds = input.durationMs / 1000;
  // Served under subtitles/, so the VTT (relative to the presentation) is one level up.
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(seconds))}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXTINF:${seconds.toFixed(3)},`,
    `../${input.uri}`,
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}

const iso8601 = (ms: number) => `PT${(ms / 1000).toFixed(3)}S`;

/** `<S>` entries in milliseconds, from cumulative rounded times so the timeline never drifts. */
export function segmentTimeline(durations: number[]): { d: number; r: number }[] {
  const out: { d: number; r: number }[] = [];
  let elapsed = 0;
  let previousMs = 0;
  for (const seconds of durations) {
    elapsed += seconds;
    const endMs = Math.round(elapsed * 1000);
    const d = endMs - previousMs;
    previousMs = endMs;
    const last = out.at(-1);
    if (last && last.d === d) last.r += 1;
    else out.push({ d, r: 0 });
  }
  return out;
}

function segmentTemplate(track: Pick<StreamVideoTrack, 'name' | 'init' | 'segments'>): string {
  track.segments.forEach((s, i) => {
    if (s.uri !== `${track.name}/seg-${String(i).padStart(5, '0')}.m4s`) {
      throw new Error(`Segment ${s.uri} of ${track.name} is out of the template's order`);
    }
  });
  const timeline = segmentTimeline(track.segments.map((s) => s.duration))
    .map((s, i) => `<S${i === 0 ? ' t="0"' : ''} d="${s.d}"${s.r ? ` r="${s.r}"` : ''}/>`)
    .join('');
  return (
    `<SegmentTemplate timescale="1000" initialization="${xml(track.init)}" ` +
    `media="${xml(track.name)}/seg-$Number%05d$.m4s" startNumber="0">` +
    `<SegmentTimeline>${timeline}</SegmentTimeline></SegmentTemplate>`
  );
}

/** The DASH MPD over the same CMAF segments (static, isoff-live: SegmentTemplate + SegmentTimeline). */
export function renderDashMpd(input: {
  durationMs: number;
  rungs: StreamVideoTrack[];
  audio: StreamAudioTrack | null;
  subtitles?: SubtitleTrack[];
}): string {
  const { rungs, audio } = input;
  const subtitles = checkSubtitles(input.subtitles ?? []);
  const duration = iso8601(input.durationMs);
  const sets: string[] = [];
  const representations = rungs.map(
    (r) =>
      `<Representation id="${r.name}" bandwidth="${r.bandwidth}" width="${r.width}" height="${r.height}" ` +
      `frameRate="${Math.round(r.frameRate * 1000)}/1000" codecs="${r.codecs}" sar="1:1">` +
      `${segmentTemplate(r)}</Representation>`,
  );
  sets.push(
    `<AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" ` +
      `startWithSAP="1">${representations.join('')}</AdaptationSet>`,
  );
  if (audio) {
    sets.push(
      `<AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" segmentAlignment="true" ` +
        `startWithSAP="1"><Representation id="${audio.name}" bandwidth="${audio.bandwidth}" ` +
        `codecs="${audio.codecs}" audioSamplingRate="${audio.sampleRate}">` +
        `<AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" ` +
        `value="${audio.channels}"/>${segmentTemplate(audio)}</Representation></AdaptationSet>`,
    );
  }
  subtitles.forEach((s, i) => {
    sets.push(
      `<AdaptationSet id="${10 + i}" contentType="text" mimeType="text/vtt" lang="${s.lang}">` +
        `<Label>${xml(s.label)}</Label><Role schemeIdUri="urn:mpeg:dash:role:2011" value="subtitle"/>` +
        `<Representation id="text-${xml(s.lang)}" bandwidth="256"><BaseURL>${xml(s.uri)}</BaseURL>` +
        `</Representation></AdaptationSet>`,
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" ` +
    `type="static" mediaPresentationDuration="${duration}" minBufferTime="PT4S">` +
    `<Period id="0" start="PT0S" duration="${duration}">${sets.join('')}</Period></MPD>\n`
  );
}

/** Convenience for the route: the whole presentation of a committed manifest. */
export function trackOf(manifest: StreamManifest, name: string) {
  return (
    manifest.rungs.find((r) => r.name === name) ?? (manifest.audio?.name === name ? manifest.audio : null)
  );
}
