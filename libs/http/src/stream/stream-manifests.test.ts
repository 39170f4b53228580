import { describe, expect, it } from 'vitest';
import type { StreamAudioTrack, StreamVideoTrack } from '@fjord/queue';
import { renderDashMpd, renderHlsMaster, renderHlsMediaPlaylist, segmentTimeline } from './stream-manifests';

const seg = (name: string, i: number, duration: number) => ({
  uri: `${name}/seg-${String(i).padStart(5, '0')}.m4s`,
  duration,
  bytes: 1000,
});
const rung = (name: string, width: number, height: number): StreamVideoTrack => ({
  name,
  codecs: 'avc1.64001e',
  bandwidth: 400_000,
  averageBandwidth: 300_000,
  init: `${name}/init.mp4`,
  segments: [seg(name, 0, 4), seg(name, 1, 4), seg(name, 2, 1.0335)],
  width,
  height,
  frameRate: 29.97,
});
const audio: StreamAudioTrack = {
  name: 'audio',
  codecs: 'mp4a.40.2',
  bandwidth: 130_000,
  averageBandwidth: 128_000,
  init: 'audio/init.mp4',
  segments: [seg('audio', 0, 4.017), seg('audio', 1, 3.994), seg('audio', 2, 1.022)],
  channels: 2,
  sampleRate: 48000,
};
const rungs = [rung('v240', 426, 240), rung('v360', 640, 360)];
const subtitles = [
  { lang: 'en', label: 'English', uri: 'captions/en.vtt' },
  { lang: 'pt-BR', label: 'Português "BR"', uri: 'captions/pt-BR.vtt' },
];

describe('renderHlsMaster', () => {
  it('lists the shared audio, every rung with its attributes (audio added to the bandwidth), relative URIs', () => {
    const text = renderHlsMaster({ rungs, audio });
    expect(text).toContain(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
    );
    expect(text).toContain(
      '#EXT-X-STREAM-INF:BANDWIDTH=530000,AVERAGE-BANDWIDTH=428000,RESOLUTION=426x240,' +
        'CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=29.970,AUDIO="aud"\nv240/index.m3u8',
    );
    expect(text).not.toContain('SUBTITLES');
  });

  it('lists caption tracks and names their group on every variant', () => {
    const text = renderHlsMaster({ rungs, audio, subtitles });
    expect(text).toContain(
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="subtitles/en.m3u8"',
    );
    expect(text).toContain('NAME="Português \'BR\'",LANGUAGE="pt-BR",DEFAULT=NO');
    expect(text.match(/SUBTITLES="subs"/g)).toHaveLength(2);
    expect(() =>
      renderHlsMaster({ rungs, audio, subtitles: [{ lang: 'en"x', label: 'x', uri: 'a.vtt' }] }),
    ).toThrow();
    expect(() =>
      renderHlsMaster({ rungs, audio, subtitles: [{ lang: 'en', label: 'x', uri: '../a.vtt' }] }),
    ).toThrow();
  });

  it('renders a silent ladder without an audio group', () => {
    const text = renderHlsMaster({ rungs, audio: null });
    expect(text).not.toContain('AUDIO');
    expect(text).toContain('CODECS="avc1.64001e"');
  });
});

describe('renderHlsMediaPlaylist', () => {
  it('is a VOD playlist relative to the track folder', () => {
    expect(renderHlsMediaPlaylist(rungs[0]!)).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXTINF:4.000000,',
        'seg-00000.m4s',
        '#EXTINF:4.000000,',
        'seg-00001.m4s',
        '#EXTINF:1.033500,',
        'seg-00002.m4s',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });
});

describe('renderDashMpd', () => {
  it('puts rungs, audio and captions in their adaptation sets over the same segments', () => {
    const xml = renderDashMpd({ durationMs: 9033, rungs, audio, subtitles });
    expect(xml).toContain('mediaPresentationDuration="PT9.033S"');
    expect(xml).toContain(
      '<Representation id="v360" bandwidth="400000" width="640" height="360" frameRate="29970/1000" codecs="avc1.64001e" sar="1:1">' +
        '<SegmentTemplate timescale="1000" initialization="v360/init.mp4" media="v360/seg-$Number%05d$.m4s" startNumber="0">' +
        '<SegmentTimeline><S t="0" d="4000" r="1"/><S d="1034"/></SegmentTimeline>',
    );
    expect(xml).toContain('<AdaptationSet id="1" contentType="audio" mimeType="audio/mp4"');
    expect(xml).toContain(
      '<AdaptationSet id="11" contentType="text" mimeType="text/vtt" lang="pt-BR"><Label>Português &quot;BR&quot;</Label>',
    );
    expect(xml).toContain('<BaseURL>captions/en.vtt</BaseURL>');
  });

  it('refuses segments that do not follow the template numbering', () => {
    const bad = { ...rungs[0]!, segments: [seg('v240', 1, 4)] };
    expect(() => renderDashMpd({ durationMs: 4000, rungs: [bad], audio: null })).toThrow(/order/);
  });
});

describe('segmentTimeline', () => {
  it('rounds cumulative times so the durations add up to the whole', () => {
    const t = segmentTimeline([4.017, 3.994, 1.022]);
    expect(t).toEqual([
      { d: 4017, r: 0 },
      { d: 3994, r: 0 },
      { d: 1022, r: 0 },
    ]);
    const thirds = segmentTimeline([1 / 3, 1 / 3, 1 / 3]);
    expect(thirds.reduce((n, s) => n + s.d * (s.r + 1), 0)).toBe(1000);
  });
});
