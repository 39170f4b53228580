import { createHash } from 'node:crypto';
import busboy from 'busboy';
import { AppError } from '@fjord/errors';
import { multipartTooLarge, readableLimitedBody } from './limited-body';

/** Text fields are names and small values; a file goes in the one `file` part. */
const FIELD_LIMITS = { fields: 16, fieldSize: 16 * 1024, fieldNameSize: 100, parts: 17, headerPairs: 100 };

const malformed = () => new AppError('bad_request', 'The multipart body could not be read.');
const notOneFile = (unknown: string[]) =>
  new AppError('bad_request', 'Send exactly one multipart field, "file".', { unknown });

export type MultipartFile = {
  name: string;
  type: string;
  /** The file's bytes, read once from the socket; throws (too_large, bad_request) when the body is bad. */
  body: AsyncIterable<Uint8Array>;
};

/**
 * A multipart upload parsed as it arrives (busboy): resolves at the `file` part with a stream of its
 * bytes, never the whole body in memory. The stream ends only once the body has ended well; a field or
 * a second file after it, a truncated body or a file past `maxBytes` make it throw, so a store reading
 * it keeps nothing. Fields before the file are refused before a byte of it is read.
 */
export function streamMultipartFile(req: Request, maxBytes: number): Promise<MultipartFile> {
  const source = readableLimitedBody(req, maxBytes);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: Object.fromEntries(req.headers),
      // UTF-8 filenames as browsers send them (busboy's default is latin1).
      defParamCharset: 'utf8',
      // truncated means more than maxBytes: busboy flags a file that reaches its limit.
      limits: { ...FIELD_LIMITS, files: 1, fileSize: maxBytes + 1 },
    });
  } catch {
    // No boundary, or not quite multipart/form-data: busboy throws before reading anything.
    source.destroy();
    return Promise.reject(malformed());
  }
  const unknown: string[] = [];
  let failure: Error | undefined;
  let settled = false;
  const ended = new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      failure ??= err;
      reject(failure);
      // Stop both ends: the body is not read further, and busboy destroys the file stream it is feeding,
      // so a reader of that stream throws instead of waiting for bytes that will never come.
      source.destroy();
      parser.destroy(failure);
    };
    parser.on('close', () => (unknown.length > 0 ? fail(notOneFile(unknown)) : resolve()));
    parser.on('error', () => fail(malformed()));
    source.on('error', (err) => fail(err instanceof AppError ? err : malformed()));
    parser.on('field', (name) => unknown.push(name));
    parser.on('filesLimit', () => unknown.push('file'));
    parser.on('fieldsLimit', () => fail(notOneFile(unknown)));
    parser.on('partsLimit', () => fail(notOneFile(unknown)));
  });
  ended.catch(() => undefined);

  return new Promise<MultipartFile>((resolve, reject) => {
    ended.then(
      () =>
        !settled && reject(new AppError('bad_request', 'Send the file in a multipart field named "file".')),
      (err: Error) => !settled && reject(err),
    );
    parser.on('file', (field, stream, info) => {
      if (settled || field !== 'file' || unknown.length > 0) {
        stream.resume();
        if (field !== 'file') unknown.push(field);
        if (!settled) {
          settled = true;
          source.destroy();
          reject(notOneFile(unknown));
        }
        return;
      }
      settled = true;
      async function* body(): AsyncGenerator<Uint8Array> {
        try {
          for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
        } catch {
          await ended;
          throw failure ?? malformed();
        }
        if ((stream as { truncated?: boolean }).truncated) {
          source.destroy();
          throw multipartTooLarge(maxBytes);
        }
        await ended;
      }
      resolve({ name: info.filename ?? '', type: info.mimeType, body: body() });
    });
    source.pipe(parser);
  });
}

/**
 * The whole file, hashed as it arrives (one pass), for an Idempotency-Key: its digest must be known
 * before anything is stored. Bounded by `maxBytes` (UPLOAD_MAX_BYTES, the REST multipart limit).
 */
export async function readMultipartFile(
  file: MultipartFile,
): Promise<{ bytes: Buffer; parts: [string, string][] }> {
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  for await (const chunk of file.body) {
    hash.update(chunk);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const digest = hash.digest('hex');
  const meta = `file:${file.name}:${file.type}:${bytes.byteLength}:${digest}`;
  return { bytes, parts: [['file', meta]] };
}
