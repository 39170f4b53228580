import { describe, expect, it } from 'vitest';
import { checkVerificationToken, signVerificationToken, verificationLink } from './email-verification';

const secret = 'a-url-signing-secret-of-enough-length-for-tests';
const ada = { id: '0b6c1d52-8a43-4f7e-9d1a-2f3e4a5b6c7d', email: 'ada@example.com' };
const bob = { id: '7e9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', email: 'bob@example.com' };
const emails = new Map([ada, bob].map((u) => [u.id, u.email]));
const now = new Date('2026-12-02T12:00:00Z');
const inADay = new Date(now.getTime() + 24 * 3600 * 1000);

const check = (token: string, opts: { at?: Date; key?: string; email?: Map<string, string> } = {}) =>
  checkVerificationToken({
    secret: opts.key ?? secret,
    token,
    currentEmail: (id) => (opts.email ?? emails).get(id) ?? null,
    now: opts.at ?? now,
  }).outcome;

describe('email verification tokens', () => {
  const token = signVerificationToken({ secret, userId: ada.id, email: ada.email, expiresAt: inADay });

  it('a fresh token of the account and its address is valid until it expires', () => {
    expect(check(token)).toBe('valid');
    expect(check(token, { at: new Date(inADay.getTime() + 1000) })).toBe('expired');
  });

  it('is dead once the account has another address, and under another key', () => {
    expect(check(token, { email: new Map([[ada.id, 'ada@elsewhere.example']]) })).toBe('invalid');
    expect(check(token, { key: 'another-secret-of-enough-length-for-the-test' })).toBe('invalid');
  });

  it('cannot be moved to another account, stretched or reshaped', () => {
    const [, expires, sig] = token.split('.');
    expect(check(`${bob.id}.${expires}.${sig}`)).toBe('invalid');
    expect(check(`${ada.id}.${Number(expires) + 86_400}.${sig}`)).toBe('invalid');
    expect(check(`${ada.id}.${expires}.${sig!.slice(0, -1)}${sig!.endsWith('A') ? 'B' : 'A'}`)).toBe(
      'invalid',
    );
    for (const bad of ['', 'x', `${token}.extra`, `${ada.id}.${expires}`, token.replace('.', '..')]) {
      expect(check(bad)).toBe('invalid');
    }
  });

  it('an unknown account is invalid, not an error', () => {
    expect(check(token, { email: new Map() })).toBe('invalid');
  });

  it('the link is the one-click page of this Fjord', () => {
    expect(verificationLink('https://media.example.com/', token)).toBe(
      `https://media.example.com/verify-email?token=${encodeURIComponent(token)}`,
    );
  });
});
