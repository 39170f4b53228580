import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRandomToken, isEqualConstantTime } from './crypto.util';

/**
 * Time-limited download URLs: `/files/<media>/<name>?expires=<unix>&sig=<hmac>`. The HMAC binds the
 * path and the expiry, so neither can be changed; no session or key is needed to use one (plain curl).
 */
function signature(secret: string, filePath: string, expires: number): string {
  return createHmac('sha256', secret).update(`GET\n${filePath}\n${expires}`).digest('base64url');
}

export function signFilePath(opts: { secret: string; filePath: string; expiresAt: Date }): {
  query: string;
  expires: number;
} {
  const expires = Math.floor(opts.expiresAt.getTime() / 1000);
  const sig = signature(opts.secret, opts.filePath, expires);
  return { query: `expires=${expires}&sig=${sig}`, expires };
}

export type SignedPathCheck = 'valid' | 'expired' | 'invalid';

export function verifySignedFilePath(opts: {
  secret: string;
  filePath: string;
  expires: string | null;
  sig: string | null;
  now?: Date;
}): SignedPathCheck {
  if (!opts.expires || !opts.sig || !/^\d{1,12}$/.test(opts.expires)) return 'invalid';
  const expires = Number(opts.expires);
  const expected = Buffer.from(signature(opts.secret, opts.filePath, expires));
  if (!isEqualConstantTime(Buffer.from(opts.sig), expected)) return 'invalid';
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return expires < nowSeconds ? 'expired' : 'valid';
}

/** What a stream token covers: one media's whole presentation, never a single file, never another media. */
const presentationPath = (mediaId: string) => `/stream/${mediaId}`;

/** `<expires>.<hmac>`: the signed-URL HMAC over a media's presentation path and the expiry (ADR 0016). */
export function signStreamToken(opts: { secret: string; mediaId: string; expiresAt: Date }) {
  const expires = Math.floor(opts.expiresAt.getTime() / 1000);
  const sig = signature(opts.secret, presentationPath(opts.mediaId), expires);
  return { token: `${expires}.${sig}`, expiresAt: new Date(expires * 1000) };
}

export function verifyStreamToken(opts: {
  secret: string;
  mediaId: string;
  token: string;
  now?: Date;
}): SignedPathCheck {
  const [expires, sig, extra] = opts.token.split('.');
  if (!expires || !sig || extra !== undefined) return 'invalid';
  return verifySignedFilePath({
    secret: opts.secret,
    filePath: presentationPath(opts.mediaId),
    expires,
    sig,
    ...(opts.now ? { now: opts.now } : {}),
  });
}

/**
 * A secret generated on first use and persisted (0600) as `<data dir>/secrets/<name>`, so every process
 * and restart on this machine agrees. Racing processes converge on the first file written. Never logged.
 */
export function loadOrCreateSecretFile(opts: { dataDir: string; name: string }): string {
  const file = path.join(opts.dataDir, 'secrets', opts.name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${createRandomToken(48)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    // Another process won the race: use its secret.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8').trim();
}

/** The configured URL signing secret, else one generated once under the data dir. */
export function loadUrlSigningSecret(config: { FJORD_URL_SIGNING_SECRET?: string; dataDir: string }): string {
  return (
    config.FJORD_URL_SIGNING_SECRET ??
    loadOrCreateSecretFile({ dataDir: config.dataDir, name: 'url-signing.key' })
  );
}
