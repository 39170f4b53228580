import { Readable } from 'node:stream';

export type UploadBody = Buffer | Readable | ReadableStream<Uint8Array>;

/** Any accepted body as a byte iterator (web streams come from fetch/Next route handlers). */
export function toAsyncIterable(body: UploadBody): AsyncIterable<Uint8Array> {
  if (Buffer.isBuffer(body)) return Readable.from([body]);
  if (body instanceof Readable) return body;
  return Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
}

/**
 * Reads at least `size` bytes (fewer only if the body ends) and returns them with a stream that still
 * yields every byte from the start, so the sniffed head is not lost for storage.
 */
export async function peekHead(
  source: AsyncIterable<Uint8Array>,
  size: number,
): Promise<{ head: Uint8Array; body: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let length = 0;
  let isDone = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      isDone = true;
      break;
    }
    buffered.push(next.value);
    length += next.value.byteLength;
  }
  // Copies the head only: a body given whole (one large chunk) is not copied for a sniff.
  const head = Buffer.concat(buffered, Math.min(length, size));
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* buffered;
    if (isDone) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, body: replay() };
}

/** Stops the upload past `maxBytes`; counts on (up to `countUpTo`) so the error can say how big it was. */
export async function* limitBytes(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  onTooLarge: (seenBytes: number, isComplete: boolean) => Error,
  countUpTo = maxBytes * 4,
): AsyncGenerator<Uint8Array> {
  let seen = 0;
  let isOver = false;
  for await (const chunk of source) {
    seen += chunk.byteLength;
    if (!isOver && seen <= maxBytes) {
      yield chunk;
      continue;
    }
    isOver = true;
    if (seen > countUpTo) throw onTooLarge(seen, false);
  }
  if (isOver) throw onTooLarge(seen, true);
}
