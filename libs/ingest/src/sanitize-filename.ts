const MAX_NAME_LENGTH = 200;
// C0/C1 controls and the bidi overrides that make "photo\u202Egpj.exe" render as "photoexe.jpg".
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A display-safe original file name: no path, no control characters, at most 200 characters. */
export function sanitizeFilename(raw: string): string {
  const base = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = base.replace(UNSAFE_CHARS, '').replace(/\s+/g, ' ').trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return 'upload';
  const chars = [...cleaned]; // by code point, so an emoji is never cut in half
  if (chars.length <= MAX_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return chars.slice(0, MAX_NAME_LENGTH - [...ext].length).join('') + ext;
}
