import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadUrlSigningSecret, signFilePath, verifySignedFilePath } from './signed-url.service';

const secret = 'x'.repeat(40);
const filePath = '/files/0b6f9c1e-2f7e-4c1a-9d3e-1f2a3b4c5d6e/thumb-webp';

function parse(query: string) {
  const q = new URLSearchParams(query);
  return { expires: q.get('expires'), sig: q.get('sig') };
}

describe('signed file URLs', () => {
  const expiresAt = new Date('2030-01-01T00:00:00Z');
  const signed = parse(signFilePath({ secret, filePath, expiresAt }).query);

  it('accepts its own signature before expiry and refuses it after', () => {
    expect(verifySignedFilePath({ secret, filePath, ...signed, now: new Date('2029-12-31T23:59:59Z') })).toBe(
      'valid',
    );
    expect(verifySignedFilePath({ secret, filePath, ...signed, now: new Date('2030-01-01T00:00:01Z') })).toBe(
      'expired',
    );
  });

  it('refuses another path, a moved expiry, another secret and garbage', () => {
    const now = new Date('2029-01-01T00:00:00Z');
    expect(verifySignedFilePath({ secret, filePath: `${filePath}x`, ...signed, now })).toBe('invalid');
    expect(verifySignedFilePath({ secret, filePath, ...signed, expires: '1999999999', now })).toBe('invalid');
    expect(verifySignedFilePath({ secret: 'y'.repeat(40), filePath, ...signed, now })).toBe('invalid');
    expect(verifySignedFilePath({ secret, filePath, expires: 'abc', sig: 'x', now })).toBe('invalid');
    expect(verifySignedFilePath({ secret, filePath, expires: null, sig: null, now })).toBe('invalid');
  });

  it('generates a secret once, persists it 0600 and reads it back; the configured one wins', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fjord-sig-'));
    const first = loadUrlSigningSecret({ dataDir });
    expect(first.length).toBeGreaterThanOrEqual(60);
    expect(loadUrlSigningSecret({ dataDir })).toBe(first);
    expect(statSync(path.join(dataDir, 'secrets', 'url-signing.key')).mode & 0o777).toBe(0o600);
    expect(loadUrlSigningSecret({ dataDir, FJORD_URL_SIGNING_SECRET: secret })).toBe(secret);
  });
});
