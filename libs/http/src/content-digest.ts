import { AppError } from '@fjord/errors';

/**
 * The sha-256 of an RFC 9530 `Content-Digest` header (`sha-256=:<base64>:`), as lowercase hex; undefined
 * when there is no header. Other algorithms are ignored; a header that names none Fjord knows is refused.
 */
export function parseContentDigest(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const member of header.split(',')) {
    const match = /^\s*sha-256\s*=\s*:([A-Za-z0-9+/]+={0,2}):\s*$/i.exec(member);
    if (!match) continue;
    const digest = Buffer.from(match[1]!, 'base64');
    if (digest.length === 32) return digest.toString('hex');
  }
  throw new AppError(
    'bad_request',
    'Content-Digest must carry a sha-256 digest of the body, e.g. "sha-256=:<base64 of the 32-byte hash>:".',
  );
}
