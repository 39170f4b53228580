import { describe, expect, it } from 'vitest';
import { matchesIfNoneMatch, parseByteRange } from './byte-range';

describe('parseByteRange', () => {
  it('reads closed, open and suffix ranges', () => {
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ kind: 'range', start: 0, end: 9 });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ kind: 'range', start: 90, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ kind: 'range', start: 90, end: 99 });
    expect(parseByteRange('bytes=50-500', 100)).toEqual({ kind: 'range', start: 50, end: 99 });
  });

  it('rejects unsatisfiable or malformed ranges', () => {
    expect(parseByteRange('bytes=100-', 100)).toEqual({ kind: 'invalid' });
    expect(parseByteRange('bytes=9-3', 100)).toEqual({ kind: 'invalid' });
    expect(parseByteRange('bytes=-0', 100)).toEqual({ kind: 'invalid' });
    expect(parseByteRange('items=0-1', 100)).toEqual({ kind: 'invalid' });
    expect(parseByteRange('bytes=abc', 100)).toEqual({ kind: 'invalid' });
  });

  it('serves the whole file for no header or several ranges', () => {
    expect(parseByteRange(null, 100)).toEqual({ kind: 'none' });
    expect(parseByteRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'none' });
  });
});

describe('matchesIfNoneMatch', () => {
  it('compares weakly and understands lists and *', () => {
    expect(matchesIfNoneMatch('"a"', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('W/"a"', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('"b", "a"', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('*', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('"b"', '"a"')).toBe(false);
    expect(matchesIfNoneMatch(null, '"a"')).toBe(false);
  });
});
