import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { isEqualConstantTime } from './crypto.util';

// Format: scrypt$N$r$p$<salt b64>$<hash b64>. Parameters travel with the hash so they can be raised
// later without invalidating existing passwords (signIn rehashes anything below these).
// OWASP's scrypt row N=2^14, r=8, p=5 (docs/adr/0011-password-hashing-and-sign-in-throttling.md): of the
// equivalent settings it needs the least memory per hash (128·N·r = 16 MiB; 2^17/8/1 needs 128 MiB, so four
// concurrent sign-ins on libuv's pool would take half of web's 1 GB) for the least CPU (~150 ms here).
const N = 2 ** 14;
const R = 8;
const P = 5;
const KEYLEN = 64;
const SALT_BYTES = 16;

export const MIN_PASSWORD_LENGTH = 10;

function deriveKey(password: string, salt: Buffer, opts: ScryptOptions, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128 * N * r bytes; leave headroom above Node's 32 MiB default for raised params.
    scrypt(password, salt, keylen, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

type StoredHash = { n: number; r: number; p: number; salt: Buffer; expected: Buffer };

function parseStoredHash(stored: string): StoredHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (!n || !r || !p || !Number.isInteger(n) || !Number.isInteger(r) || !Number.isInteger(p)) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || expected.length === 0) return null;
  return { n, r, p, salt, expected };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(password, salt, { N, r: R, p: P }, KEYLEN);
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** False for a wrong password and for a malformed stored hash; never throws on bad input. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStoredHash(stored);
  if (!parsed) return false;
  try {
    const actual = await deriveKey(
      password,
      parsed.salt,
      { N: parsed.n, r: parsed.r, p: parsed.p },
      parsed.expected.length,
    );
    return isEqualConstantTime(actual, parsed.expected);
  } catch {
    return false;
  }
}

/** True when the stored hash was made with weaker parameters than hashPassword uses today. */
export function needsRehash(stored: string): boolean {
  const parsed = parseStoredHash(stored);
  if (!parsed) return true;
  return (
    parsed.n * parsed.r * parsed.p < N * R * P ||
    parsed.n * parsed.r < N * R ||
    parsed.expected.length < KEYLEN
  );
}
