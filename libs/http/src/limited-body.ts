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

/**
 * The body of a size-limited multipart request as a Node stream, for a streamed parser: refused at once when
 * Content-Length already says it is too big, and erroring with too_large past the limit when it does not
 * (Content-Length can be absent or wrong, and a chunked upload has none).
 */
export function readableLimitedBody(req: Request, maxBytes: number): Readable {
  const limit = maxBytes + MULTIPART_OVERHEAD_BYTES;
  if (Number(req.headers.get('content-length') ?? '0') > limit) throw multipartTooLarge(maxBytes);
  const contentType = req.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data') || !req.body) {
    throw new AppError('bad_request', 'Send the file as multipart/form-data in a field named "file".');
  }
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
  return Readable.fromWeb(limited as NodeReadableStream<Uint8Array>);
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
