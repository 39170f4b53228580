import { createHmac } from 'node:crypto';
import { isEqualConstantTime } from './crypto.util';

/**
 * Signatures of on-the-fly image URLs, `/img/<sig>/<options>/<mediaId>`: HMAC-SHA256 over the options
 * (which carry the expiry, `exp:<unix>`) and the media id. The key is derived from the URL signing secret
 * with a purpose label, so a /files signature can never be replayed as an image signature or back.
 */
function imageKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('fjord/image-transform/v1').digest();
}

function imageSignature(secret: string, options: string, mediaId: string): string {
  return createHmac('sha256', imageKey(secret)).update(`${options}\n${mediaId}`).digest('base64url');
}

export function signImagePath(opts: { secret: string; options: string; mediaId: string }): string {
  return `/img/${imageSignature(opts.secret, opts.options, opts.mediaId)}/${opts.options}/${opts.mediaId}`;
}

/** Constant-time; the expiry inside the options is the caller's to check once the options parse. */
export function isValidImageSignature(opts: {
  secret: string;
  options: string;
  mediaId: string;
  signature: string;
}): boolean {
  const expected = Buffer.from(imageSignature(opts.secret, opts.options, opts.mediaId));
  return isEqualConstantTime(Buffer.from(opts.signature), expected);
}
