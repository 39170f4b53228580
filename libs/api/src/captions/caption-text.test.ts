import { describe, expect, it } from 'vitest';
import { CAPTION_MAX_BYTES, captionFormatOf, normalizeCaptions } from './caption-text';

const utf8 = (s: string) => new TextEncoder().encode(s);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('normalizeCaptions', () => {
  it('keeps WebVTT cues (ids, settings, markup), drops NOTE and STYLE, canonicalises timings', () => {
    const input = [
      'WEBVTT - a title',
      '',
      'NOTE made by hand',
      '',
      'STYLE',
      '::cue { color: red }',
      '',
      'intro',
      '01:02.500 --> 01:04.000 align:start line:0',
      '<b>Hello</b> there',
      '',
      '00:01:05.000 --> 00:01:07.250',
      'Two',
      'lines',
      '',
    ].join('\r\n');
    expect(normalizeCaptions(utf8(input), 'vtt')).toEqual({
      vtt: 'WEBVTT\n\nintro\n00:01:02.500 --> 00:01:04.000 align:start line:0\n<b>Hello</b> there\n\n00:01:05.000 --> 00:01:07.250\nTwo\nlines\n',
      cueCount: 2,
    });
  });

  it('converts SRT to WebVTT (a BOM is fine, the numbers go)', () => {
    const srt =
      '\uFEFF1\n00:00:01,000 --> 00:00:02,500\nÆble, ø, å\n\n2\n00:00:03,000 --> 00:00:04,000\nTo\n';
    expect(normalizeCaptions(utf8(srt), 'srt').vtt).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nÆble, ø, å\n\n00:00:03.000 --> 00:00:04.000\nTo\n',
    );
  });

  it('names the line of a bad timing, with the right example per format', () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:03 --> 00:00:04\nbad\n';
    expect(refusal(() => normalizeCaptions(utf8(vtt), 'vtt'))).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/^Line 6: .*00:00:01\.000 --> 00:00:04\.000/),
    });
    const srt = '1\n00:00:01.000 -> 00:00:02,000\nx\n';
    expect(refusal(() => normalizeCaptions(utf8(srt), 'srt')).message).toMatch(
      /^Line 2: .*00:00:01,000 --> 00:00:04,000/,
    );
  });

  it('refuses what is not captions, with a sentence saying why', () => {
    const cases: [Uint8Array, 'vtt' | 'srt', RegExp][] = [
      [utf8('hello\n'), 'vtt', /must start with the line "WEBVTT"/],
      [utf8('1\n00:00:01,000 --> 00:00:02,000\nx\n'), 'vtt', /looks like an SRT file/],
      [utf8('WEBVTT\n'), 'vtt', /no cues/],
      [new Uint8Array([0x57, 0x45, 0x42, 0x56, 0x54, 0x54, 0x0a, 0xff, 0xfe]), 'vtt', /not UTF-8/],
      [utf8('WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nx\n'), 'vtt', /Line 3: the cue ends/],
      [utf8('WEBVTT\n\n00:00:01.000 --> 00:00:02.000 onclick:x\nx\n'), 'vtt', /not a WebVTT cue setting/],
      [
        utf8('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n00:00:03.000 --> 00:00:04.000\n'),
        'vtt',
        /Line 5: .*blank line missing/,
      ],
      [utf8('WEBVTT\n\n00:00:61.000 --> 00:00:62.000\nx\n'), 'vtt', /not a cue timing/],
      [utf8('WEBVTT\n\nan id only\n'), 'vtt', /followed by no cue timing/],
      [utf8('WEBVTT\n\u0000'), 'vtt', /NUL/],
    ];
    for (const [bytes, format, message] of cases) {
      expect(refusal(() => normalizeCaptions(bytes, format)).message).toMatch(message);
    }
  });

  it('refuses a file over the size limit as too_large', () => {
    const big = new Uint8Array(CAPTION_MAX_BYTES + 1).fill(0x20);
    expect(refusal(() => normalizeCaptions(big, 'vtt')).code).toBe('too_large');
  });
});

describe('captionFormatOf', () => {
  it('maps the content types, ignoring parameters and case', () => {
    expect(captionFormatOf('text/vtt; charset=utf-8')).toBe('vtt');
    expect(captionFormatOf('Application/X-Subrip')).toBe('srt');
    expect(captionFormatOf('text/html')).toBeNull();
    expect(captionFormatOf(null)).toBeNull();
  });
});
