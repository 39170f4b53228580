import { signFilePath, verifySignedFilePath, type SignedPathCheck } from '@fjord/auth';

/** The token path segment that means "no token: my session or API key" (owner or admin). */
export const SESSION_STREAM_TOKEN = 's';

/** What the HMAC covers: one media's whole presentation, never a single file, never another media. */
const presentationPath = (mediaId: string) => `/stream/${mediaId}`;

/** `<expires>.<hmac>` over the presentation and the expiry, with the /files signer and key. */
export function signStreamToken(opts: { secret: string; mediaId: string; expiresAt: Date }) {
  const { query, expires } = signFilePath({
    secret: opts.secret,
    filePath: presentationPath(opts.mediaId),
    expiresAt: opts.expiresAt,
  });
  const sig = new URLSearchParams(query).get('sig')!;
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

/** The public URL of a presentation's entry file (`master.m3u8` or `manifest.mpd`). */
export function streamUrl(input: { baseUrl: string; token: string; mediaId: string; file: string }) {
  return new URL(`/stream/${input.token}/${input.mediaId}/${input.file}`, input.baseUrl).toString();
}
