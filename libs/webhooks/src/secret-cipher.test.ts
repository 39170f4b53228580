import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretCipher, loadSecretCipher, SecretCipherError } from './secret-cipher';

const KEY_A = 'a'.repeat(16) + 'key-material-for-tests-A';
const KEY_B = 'b'.repeat(16) + 'key-material-for-tests-B';
const SECRET = 'whsec_0123456789abcdefghijklmnopqrstuv';

describe('secret cipher (AES-256-GCM)', () => {
  const a = createSecretCipher({ key: KEY_A });

  it('round-trips, never shows the plaintext, and uses a fresh nonce each time', () => {
    const sealed = a.seal(SECRET, 'webhook-endpoint:1');
    expect(sealed).toMatch(new RegExp(`^fjs1:${a.keyId}:[\\w-]{16}:[\\w-]+:[\\w-]{22}$`));
    expect(sealed).not.toContain(SECRET.slice(6));
    expect(a.seal(SECRET, 'webhook-endpoint:1')).not.toBe(sealed);
    expect(a.open(sealed, 'webhook-endpoint:1')).toBe(SECRET);
    expect(a.isSealed(sealed) && a.isCurrent(sealed)).toBe(true);
    expect(a.isSealed(SECRET)).toBe(false);
  });

  it('refuses a tampered value, a value moved to another record, and plaintext', () => {
    const sealed = a.seal(SECRET, 'webhook-endpoint:1');
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0]! ^= 1;
    parts[3] = ct.toString('base64url');
    expect(() => a.open(parts.join(':'), 'webhook-endpoint:1')).toThrow(/altered/);
    const tag = sealed.split(':');
    tag[4] = Buffer.alloc(16).toString('base64url');
    expect(() => a.open(tag.join(':'), 'webhook-endpoint:1')).toThrow(SecretCipherError);
    expect(() => a.open(sealed, 'webhook-endpoint:2')).toThrow(/another record/);
    expect(() => a.open(SECRET, 'webhook-endpoint:1')).toThrow(/not sealed/);
    expect(() => a.open(`fjs1:${a.keyId}:x:y`, 'webhook-endpoint:1')).toThrow(/malformed/);
  });

  it('refuses a value sealed under a key it does not have', () => {
    const b = createSecretCipher({ key: KEY_B });
    expect(b.keyId).not.toBe(a.keyId);
    expect(() => b.open(a.seal(SECRET, 'c'), 'c')).toThrow(/not configured.*FJORD_SECRETS_KEY_PREVIOUS/);
  });

  it('rotates: the new key seals, the previous key still opens old values', () => {
    const old = a.seal(SECRET, 'c');
    const rotated = createSecretCipher({ key: KEY_B, previousKeys: [KEY_A] });
    expect(rotated.open(old, 'c')).toBe(SECRET);
    expect(rotated.isCurrent(old)).toBe(false);
    const fresh = rotated.seal(SECRET, 'c');
    expect(rotated.isCurrent(fresh)).toBe(true);
    // Once the previous key is dropped, only values sealed under the new one open.
    const after = createSecretCipher({ key: KEY_B });
    expect(after.open(fresh, 'c')).toBe(SECRET);
    expect(() => after.open(old, 'c')).toThrow(SecretCipherError);
  });

  it('refuses short keys', () => {
    expect(() => createSecretCipher({ key: 'short' })).toThrow(/at least 32/);
  });

  it('generates one key under <data dir>/secrets when none is configured, and reuses it', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fjord-cipher-'));
    const first = loadSecretCipher({ dataDir });
    const second = loadSecretCipher({ dataDir });
    expect(second.keyId).toBe(first.keyId);
    expect(second.open(first.seal(SECRET, 'c'), 'c')).toBe(SECRET);
    expect(statSync(path.join(dataDir, 'secrets', 'secrets.key')).mode & 0o777).toBe(0o600);
    const configured = loadSecretCipher({
      dataDir,
      FJORD_SECRETS_KEY: KEY_B,
      FJORD_SECRETS_KEY_PREVIOUS: ` ${KEY_A} ,`,
    });
    expect(configured.keyId).toBe(createSecretCipher({ key: KEY_B }).keyId);
    expect(configured.open(a.seal(SECRET, 'c'), 'c')).toBe(SECRET);
  });
});
