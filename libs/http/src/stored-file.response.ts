import { Readable } from 'node:stream';
import type { BlobStore } from '@fjord/storage';
import { matchesIfNoneMatch, parseByteRange } from './byte-range';

/** What every user file is served with, so none can run script in our origin or be sniffed into HTML. */
export const USER_FILE_HEADERS = {
  'Accept-Ranges': 'bytes',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
} as const;

/**
 * A stored blob as an HTTP answer: 304 on a matching If-None-Match, 206 / 416 for a Range (honoured only
 * while If-Range matches), HEAD without a body. `headers` carries the type, ETag and caching of the caller.
 */
export function storedFileResponse(opts: {
  req: Request;
  storage: Pick<BlobStore, 'createReadStream'>;
  storageKey: string;
  size: number;
  etag: string;
  headers: Headers;
}): Response {
  const { req, size, etag, headers } = opts;
  headers.set('ETag', etag);
  for (const [name, value] of Object.entries(USER_FILE_HEADERS)) headers.set(name, value);
  if (matchesIfNoneMatch(req.headers.get('if-none-match'), etag)) {
    headers.delete('Content-Type');
    return new Response(null, { status: 304, headers });
  }
  const ifRange = req.headers.get('if-range');
  const range =
    ifRange && ifRange !== etag ? { kind: 'none' as const } : parseByteRange(req.headers.get('range'), size);
  if (range.kind === 'invalid') {
    headers.set('Content-Range', `bytes */${size}`);
    headers.delete('Content-Type');
    return new Response(null, { status: 416, headers });
  }
  const isPartial = range.kind === 'range';
  const start = isPartial ? range.start : 0;
  const end = isPartial ? range.end : size - 1;
  headers.set('Content-Length', String(size === 0 ? 0 : end - start + 1));
  if (isPartial) headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
  const body =
    req.method === 'HEAD' || size === 0
      ? null
      : (Readable.toWeb(
          opts.storage.createReadStream(opts.storageKey, { start, end }),
        ) as ReadableStream<Uint8Array>);
  return new Response(body, { status: isPartial ? 206 : 200, headers });
}
