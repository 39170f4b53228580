import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseContentDigest } from './content-digest';

const digest = createHash('sha256').update('hello').digest();

describe('parseContentDigest', () => {
  it('reads the sha-256 member as hex, among others and in any case', () => {
    const b64 = digest.toString('base64');
    expect(parseContentDigest(`sha-256=:${b64}:`)).toBe(digest.toString('hex'));
    expect(parseContentDigest(`sha-512=:AAAA:, SHA-256=:${b64}:`)).toBe(digest.toString('hex'));
  });

  it('is undefined without the header', () => {
    expect(parseContentDigest(null)).toBeUndefined();
  });

  it('refuses a header without a usable sha-256', () => {
    expect(() => parseContentDigest('sha-512=:AAAA:')).toThrow(/sha-256 digest/);
    expect(() => parseContentDigest('sha-256=:AAAA:')).toThrow(/sha-256 digest/);
    expect(() => parseContentDigest(`sha-256=${digest.toString('hex')}`)).toThrow(/sha-256 digest/);
  });
});
