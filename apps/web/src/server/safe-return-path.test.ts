import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './safe-return-path';

const ORIGIN = 'https://fjord.example';

describe('safeReturnPath', () => {
  it.each([
    ['/media/abc', '/media/abc'],
    ['/media?page=2#top', '/media?page=2#top'],
    ['/settings/api-keys', '/settings/api-keys'],
    ['/a/../upload', '/upload'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'], // stays a path of this site
    ['/\u0000//evil.example', '/%00//evil.example'],
  ])('keeps the same-site path %j', (next, expected) => {
    expect(safeReturnPath(next, ORIGIN)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'media',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '\t//evil.example',
    ' //evil.example',
    '/.//evil.example',
    '/./\\evil.example',
    'https://evil.example/',
    'https:evil.example',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '%2F%2Fevil.example',
    'http://fjord.example/media', // another scheme is another origin
    'https://fjord.example.evil.example/media',
    'https://user@evil.example',
  ])('refuses %j', (next) => {
    expect(safeReturnPath(next, ORIGIN)).toBe('/media');
  });

  it('reads the first of repeated parameters', () => {
    expect(safeReturnPath(['/upload', '//evil.example'], ORIGIN)).toBe('/upload');
    expect(safeReturnPath(['//evil.example', '/upload'], ORIGIN)).toBe('/media');
  });
});
