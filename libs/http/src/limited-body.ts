import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { AppError } from '@fjord/errors';

// Multipart framing (boundaries, part headers) on top of the file itself.
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export function multipartTooLarge(maxBytes: number): AppError {
  return new AppError(
    'too_large',
    `The upload is larger than the limit of ${(maxBytes / (1024 * 1024)).toFixed(1)} MB.`,
  );
}

/** Refuses at once when Content-Length already says the body is too big. */
function assertContentLengthWithin(req: Request, maxBytes: number): void {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBytes + MULTIPART_OVERHEAD_BYTES) throw multipartTooLarge(maxBytes);
}

/**
 * A copy of `req` whose body errors past the limit, so a parser can never read an unbounded
 * chunked upload (Content-Length can be absent or wrong).
 */
function withBodyLimit(req: Request, maxBytes: number): Request {
  if (!req.body) return req;
  const limit = maxBytes + MULTIPART_OVERHEAD_BYTES;
  let seen = 0;
  const limited = req.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(multipartTooLarge(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(req.url, {
    method: req.method,
    headers: req.headers,
    body: limited,
    duplex: 'half',
  } as RequestInit);
}

/**
 * The body of a size-limited multipart request as a Node stream, for a streamed parser: errors with
 * too_large past the limit (Content-Length can be absent or wrong).
 */
export function readableLimitedBody(req: Request, maxBytes: number): Readable {
  assertContentLengthWithin(req, maxBytes);
  const contentType = req.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('bad_request', 'Send the file as multipart/form-data in a field named "file".');
  }
  const { body } = withBodyLimit(req, maxBytes);
  if (!body)
    throw new AppError('bad_request', 'Send the file as multipart/form-data in a field named "file".');
  return Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
}

/** A small raw body (captions), read whole but never past `maxBytes`: too_large as soon as it is over. */
export async function readLimitedBytes(req: Request, maxBytes: number, what: string): Promise<Uint8Array> {
  const over = () => new AppError('too_large', `${what} may be at most ${Math.round(maxBytes / 1024)} KB.`);
  if (Number(req.headers.get('content-length') ?? '0') > maxBytes) throw over();
  const chunks: Uint8Array[] = [];
  let seen = 0;
  const reader = req.body?.getReader();
  // A body that breaks off (the client went away, a proxy cut it) is the client's fault, not a 500.
  const read = () =>
    reader!.read().catch(() => {
      throw new AppError('bad_request', `${what} ended before it was complete.`);
    });
  for (let r = reader ? await read() : undefined; r && !r.done; r = await read()) {
    seen += r.value.byteLength;
    if (seen > maxBytes) {
      await reader!.cancel().catch(() => undefined);
      throw over();
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks);
}
