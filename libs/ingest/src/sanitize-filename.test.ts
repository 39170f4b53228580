import { describe, expect, it } from 'vitest';
import { sanitizeFilename } from './sanitize-filename';

describe('sanitizeFilename', () => {
  it('keeps an ordinary name', () => {
    expect(sanitizeFilename('Holiday 2026 – Fjord.jpg')).toBe('Holiday 2026 – Fjord.jpg');
  });
  it('drops any path and control characters', () => {
    expect(sanitizeFilename('C:\\Users\\me\\pic.png')).toBe('pic.png');
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('a\u0000b\nc\u202Egpj.exe')).toBe('abcgpj.exe');
  });
  it('falls back to "upload" when nothing is left', () => {
    expect(sanitizeFilename('\u0001\u0002')).toBe('upload');
    expect(sanitizeFilename('..')).toBe('upload');
  });
  it('caps the length but keeps the extension', () => {
    const name = sanitizeFilename(`${'x'.repeat(500)}.jpeg`);
    expect(name).toHaveLength(200);
    expect(name.endsWith('.jpeg')).toBe(true);
  });
});
