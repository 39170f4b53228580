import { describe, expect, it } from 'vitest';
import {
  assertValidKey,
  mediaPrefix,
  originalKey,
  renditionKey,
  renditionPrefix,
  storedRenditionBytes,
} from './storage-key';

describe('storage keys', () => {
  it('builds the documented layout', () => {
    expect(originalKey('abc-123', 'JPG')).toBe('media/abc-123/original.jpg');
    expect(renditionKey('abc-123', 'thumb-webp', 'webp')).toBe('media/abc-123/r/thumb-webp.webp');
    expect(mediaPrefix('abc-123')).toBe('media/abc-123/');
    expect(renditionKey('abc-123', 'v360-mp4', 'mp4', 'm1x2y3')).toBe('media/abc-123/r/m1x2y3/v360-mp4.mp4');
    expect(renditionKey('abc-123', 'v360-mp4', 'mp4', 'm1x2y3', 's2')).toBe(
      'media/abc-123/r/m1x2y3/v360-mp4.s2.mp4',
    );
    expect(renditionKey('abc-123', 'thumb-webp', 'webp', undefined, 's1')).toBe(
      'media/abc-123/r/thumb-webp.s1.webp',
    );
    expect(renditionPrefix('abc-123', 'cmaf', 'm1x2y3', 's3')).toBe('media/abc-123/r/m1x2y3/cmaf.s3/');
    expect(renditionPrefix('abc-123', 'cmaf', undefined, 's1')).toBe('media/abc-123/r/cmaf.s1/');
    expect(() => renditionPrefix('abc-123', 'cmaf', '../x')).toThrow(/Invalid processing run/);
  });

  it('refuses parts that would change the path', () => {
    expect(() => originalKey('../etc', 'jpg')).toThrow(/Invalid media id/);
    expect(() => renditionKey('a', 'x/y', 'webp')).toThrow(/Invalid variant/);
    expect(() => renditionKey('a', 'x', 'webp', '../b')).toThrow(/Invalid processing run/);
    expect(() => renditionKey('a', 'x', 'webp', undefined, 's.1')).toThrow(/Invalid attempt/);
    expect(() => originalKey('a', 'jpg/../../x')).toThrow(/Invalid file extension/);
  });

  it.each([
    '../secret',
    'media/../../etc/passwd',
    '/etc/passwd',
    'media//x',
    'media/./x',
    'media/.hidden',
    'media/x\\y',
    'media/x y',
    '',
    'media/x/',
    'a'.repeat(600),
  ])('rejects %j', (key) => {
    expect(() => assertValidKey(key)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('accepts ordinary keys, and a trailing slash only for prefixes', () => {
    expect(() => assertValidKey('media/abc/r/w1280-webp.webp')).not.toThrow();
    expect(() => assertValidKey('media/abc/', { allowTrailingSlash: true })).not.toThrow();
  });
});

describe('storedRenditionBytes', () => {
  const files = new Map([
    ['media/a/r/v.s1.mp4', 10],
    ['media/a/r/cmaf.s1/v240/init.mp4', 3],
    ['media/a/r/cmaf.s1/v240/seg-00000.m4s', 7],
  ]);
  const store = {
    stat: async (key: string) => (files.has(key) ? { size: files.get(key)!, mtimeMs: 0 } : null),
    async *list(prefix: string) {
      for (const key of files.keys()) if (key.startsWith(prefix)) yield { key, mtimeMs: 0, isPartial: false };
    },
  };

  it('is a file size, or the sum over a folder key; null when nothing is stored', async () => {
    expect(await storedRenditionBytes(store, 'media/a/r/v.s1.mp4')).toBe(10);
    expect(await storedRenditionBytes(store, 'media/a/r/cmaf.s1/')).toBe(10);
    expect(await storedRenditionBytes(store, 'media/a/r/cmaf.s2/')).toBeNull();
    expect(await storedRenditionBytes(store, 'media/a/r/gone.mp4')).toBeNull();
  });
});
