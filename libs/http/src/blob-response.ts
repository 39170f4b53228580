import { Readable } from 'node:stream';
import type { BlobStore } from '@fjord/storage';
import { matchesIfNoneMatch, parseByteRange } from './byte-range';

/**
 * A stored blob as a response: conditional GET (ETag), single byte ranges with If-Range, 416, HEAD.
 * `headers` carry the caller's type, caching and safety headers.
 */
export function blobResponse(input: {
  req: Request;
  storage: Pick<BlobStore, 'createReadStream'>;
  storageKey: string;
  size: number;
  etag: string;
  headers: Headers;
}): Response {
  const { req, size, etag, headers } = input;
  headers.set('ETag', etag);
  headers.set('Accept-Ranges', 'bytes');
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
          input.storage.createReadStream(input.storageKey, { start, end }),
        ) as ReadableStream<Uint8Array>);
  return new Response(body, { status: isPartial ? 206 : 200, headers });
}
