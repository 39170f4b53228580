import { AppError } from '@fjord/errors';

/** A film's SRT is ~100 KB; this leaves room and keeps a tRPC body (1 MB of JSON) large enough for it. */
export const CAPTION_MAX_BYTES = 512 * 1024;
export const CAPTION_MAX_CUES = 20_000;

export type CaptionFormat = 'vtt' | 'srt';
export type NormalizedCaptions = { vtt: string; cueCount: number };

const TIME = String.raw`(?:(\d{2,}):)?([0-5]\d):([0-5]\d)[.,](\d{3})`;
const TIMING_LINE = new RegExp(String.raw`^${TIME}[ \t]+-->[ \t]+${TIME}((?:[ \t]+\S+)*)[ \t]*$`);
const CUE_SETTING = /^(vertical|line|position|size|align|region):\S+$/;

function refuse(message: string): never {
  throw new AppError('bad_request', message);
}

function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.byteLength > CAPTION_MAX_BYTES) {
    throw new AppError('too_large', `A caption file may be at most ${CAPTION_MAX_BYTES / 1024} KB.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    refuse('The caption file is not UTF-8 text: save it as UTF-8 (most editors offer it under "Save as…").');
  }
  if (text.includes('\u0000')) refuse('The caption file contains NUL bytes: it is not a text file.');
  return text.replace(/\r\n?/g, '\n');
}

function millis(m: RegExpExecArray, at: number): number {
  const [h, min, s, ms] = [m[at] ?? '0', m[at + 1]!, m[at + 2]!, m[at + 3]!].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  return ((h * 60 + min) * 60 + s) * 1000 + ms;
}

function formatTime(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3_600_000);
  const min = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(min)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** One cue's timing line, re-written canonically (`hh:mm:ss.mmm --> hh:mm:ss.mmm[ settings]`). */
function parseTiming(line: string, lineNo: number, format: CaptionFormat): string {
  const m = TIMING_LINE.exec(line);
  if (!m) {
    const example = format === 'srt' ? '00:00:01,000 --> 00:00:04,000' : '00:00:01.000 --> 00:00:04.000';
    refuse(`Line ${lineNo}: "${line.slice(0, 60)}" is not a cue timing; write it like ${example}.`);
  }
  const start = millis(m, 1);
  const end = millis(m, 5);
  if (end <= start) refuse(`Line ${lineNo}: the cue ends (${formatTime(end)}) before it starts.`);
  const settings = (m[9] ?? '')
    .trim()
    .split(/[ \t]+/)
    .filter(Boolean);
  if (format === 'srt' && settings.length > 0) {
    refuse(`Line ${lineNo}: SRT timings take nothing after the end time.`);
  }
  const bad = settings.find((s) => !CUE_SETTING.test(s));
  if (bad) refuse(`Line ${lineNo}: "${bad.slice(0, 40)}" is not a WebVTT cue setting.`);
  return [`${formatTime(start)} --> ${formatTime(end)}`, ...settings].join(' ');
}

type Block = { lines: string[]; firstLine: number };

function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') current = undefined;
    else if (current) current.lines.push(line);
    else blocks.push((current = { lines: [line], firstLine: i + 1 }));
  });
  return blocks;
}

/**
 * Cue blocks to WebVTT cues: [id] timing text… . NOTE, STYLE and REGION blocks are dropped — STYLE is CSS
 * a player would apply, and nothing in Fjord needs the others — so what is stored is cues only.
 */
function toCues(blocks: Block[], format: CaptionFormat): string[] {
  const cues: string[] = [];
  for (const block of blocks) {
    const [first = ''] = block.lines;
    if (format === 'vtt' && /^(NOTE|STYLE|REGION)(\s|$)/.test(first)) continue;
    const timingAt = first.includes('-->') ? 0 : 1;
    const timing = block.lines[timingAt];
    if (timing === undefined) {
      refuse(`Line ${block.firstLine}: "${first.slice(0, 60)}" is followed by no cue timing.`);
    }
    const id = timingAt === 1 && format === 'vtt' ? [first] : [];
    const text = block.lines.slice(timingAt + 1);
    const arrow = text.findIndex((l) => l.includes('-->'));
    if (arrow >= 0) {
      refuse(
        `Line ${block.firstLine + timingAt + 1 + arrow}: a cue's text may not contain "-->"; is a blank line missing before it?`,
      );
    }
    cues.push([...id, parseTiming(timing, block.firstLine + timingAt, format), ...text].join('\n'));
    if (cues.length > CAPTION_MAX_CUES) refuse(`A caption file may have at most ${CAPTION_MAX_CUES} cues.`);
  }
  if (cues.length === 0) refuse('The caption file has no cues.');
  return cues;
}

/**
 * Checks an uploaded WebVTT or SRT file (size, UTF-8 with or without BOM, every cue's timing) and returns it
 * as canonical WebVTT. Errors are AppError('bad_request' | 'too_large') with the line at fault.
 */
export function normalizeCaptions(bytes: Uint8Array, format: CaptionFormat): NormalizedCaptions {
  const text = decodeUtf8(bytes).replace(/^\uFEFF/, '');
  let body = text;
  if (format === 'vtt') {
    const header = /^WEBVTT(?=[ \t\n]|$)[^\n]*(\n|$)/.exec(text);
    if (!header) {
      refuse(
        /^\d+\n\d\d:\d\d:\d\d,\d{3}/.test(text)
          ? 'This looks like an SRT file: send it as application/x-subrip.'
          : 'A WebVTT file must start with the line "WEBVTT".',
      );
    }
    // The header block (WEBVTT and any header lines up to the first blank line) is not a cue.
    const end = text.indexOf('\n\n');
    body = end === -1 ? '' : `${'\n'.repeat(text.slice(0, end).split('\n').length - 1)}${text.slice(end)}`;
  }
  const cues = toCues(blocksOf(body), format);
  return { vtt: `WEBVTT\n\n${cues.join('\n\n')}\n`, cueCount: cues.length };
}

/** The format a request body's Content-Type names, or null for anything else. */
export function captionFormatOf(contentType: string | null): CaptionFormat | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/vtt') return 'vtt';
  if (type === 'application/x-subrip' || type === 'text/srt' || type === 'application/srt') return 'srt';
  return null;
}
