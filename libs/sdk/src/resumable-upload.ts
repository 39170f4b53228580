import { FjordApiError } from './fjord-errors';
import { SDK_OPERATIONS } from './sdk-operations';

/**
 * Resumable uploads over tus 1.0 (`/api/tus`), with fetch only: create, PATCH chunk by chunk, and on a
 * dropped connection (or a 5xx/409/423) ask the server for its offset with HEAD and go on from there.
 * No tus-js-client: the SDK stays fetch-only (one path for Node, browsers, Deno, Bun and an injected
 * fetch) and dependency-free (docs/adr/0005-api-idempotency-and-rate-limits.md, "SDK").
 */
export const TUS_UPLOAD_PATH = SDK_OPERATIONS.createResumableUpload.path;
const TUS_VERSION = '1.0.0';

/** What can be uploaded: bytes, a Blob/File, a file path (Node), or a stream of known size. */
export type ResumableSource =
  | Blob
  | Uint8Array
  | string
  | { stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>; size: number };

export type ResumableUploadOptions = {
  /** Name sent in Upload-Metadata; defaults to the path's base name, a File's name, or "upload". */
  filename?: string;
  filetype?: string;
  /** Bytes per PATCH (default 8 MiB): what is re-sent at most after a dropped connection. */
  chunkSize?: number;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** Stops the upload; it can be resumed later from its URL. */
  signal?: AbortSignal;
  /** Resume this upload (an earlier call's `uploadUrl`) instead of creating a new one. */
  uploadUrl?: string;
  /** Called once the upload exists, before any byte is sent: store the URL to resume after a crash. */
  onUploadUrl?: (uploadUrl: string) => void | Promise<void>;
  /** Consecutive failed attempts tolerated before giving up (default 5), with doubling delays. */
  retries?: number;
  retryDelayMs?: number;
};

export type ResumableUploadResult = { mediaId: string; uploadUrl: string };

/** The upload stopped (aborted, or failed too often); `uploadUrl` resumes it while the server keeps it (24 h). */
export class ResumableUploadError extends Error {
  override readonly name = 'ResumableUploadError';
  constructor(
    message: string,
    readonly uploadUrl: string | undefined,
    readonly offset: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

type ChunkReader = { size: number; name?: string; read(start: number, end: number): Promise<Uint8Array> };

async function openSource(source: ResumableSource): Promise<ChunkReader> {
  if (typeof source === 'string') {
    // Node only, loaded lazily so the SDK still bundles for browsers. A lazy Blob: nothing is read up front.
    const [{ openAsBlob }, path] = await Promise.all([import('node:fs'), import('node:path')]);
    const blob = await openAsBlob(source);
    return { ...(await openSource(blob)), name: path.basename(source) };
  }
  if (source instanceof Uint8Array) {
    return { size: source.byteLength, read: async (s, e) => source.subarray(s, e) };
  }
  if (source instanceof Blob) {
    return {
      size: source.size,
      name: 'name' in source && typeof source.name === 'string' ? source.name : undefined,
      read: async (s, e) => new Uint8Array(await source.slice(s, e).arrayBuffer()),
    };
  }
  return streamReader(source.stream, source.size);
}

/** A stream read forward only; the current chunk stays in memory so it can be re-sent after a failure. */
function streamReader(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  size: number,
): ChunkReader {
  const iterator: AsyncIterator<Uint8Array> =
    Symbol.asyncIterator in stream
      ? (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
      : readerIterator(stream as ReadableStream<Uint8Array>);
  let buffered = new Uint8Array(0);
  let bufferStart = 0;
  return {
    size,
    async read(start, end) {
      if (start < bufferStart) throw new Error('A stream cannot be rewound past the chunk being sent.');
      while (bufferStart + buffered.byteLength < end) {
        const next = await iterator.next();
        if (next.done) throw new Error(`The stream ended before its declared size of ${size} bytes.`);
        const merged = new Uint8Array(buffered.byteLength + next.value.byteLength);
        merged.set(buffered);
        merged.set(next.value, buffered.byteLength);
        buffered = merged;
      }
      buffered = buffered.subarray(start - bufferStart);
      bufferStart = start;
      return buffered.subarray(0, end - start);
    },
  };
}

/** Browsers without async-iterable ReadableStream. */
function readerIterator(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    next: async () => {
      const r = await reader.read();
      return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
    },
  };
}

const base64 = (s: string) => {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
};

async function errorOf(res: Response): Promise<FjordApiError> {
  const text = await res.text().catch(() => '');
  type ErrorBody = { error?: { code?: string; message?: string } };
  let parsed: ErrorBody | null = null;
  try {
    parsed = JSON.parse(text) as ErrorBody;
  } catch {
    // tus answers some refusals in plain text
  }
  return new FjordApiError(
    res.status,
    parsed?.error?.code ?? (res.status === 413 ? 'too_large' : 'http_error'),
    parsed?.error?.message ?? (text.trim() || `HTTP ${res.status}`),
  );
}

/**
 * Worth another try after asking the server where it stands. Not 507 (storage full): a retry cannot
 * help soon, and after a failed last PATCH the upload is gone, so the caller would see a 404 instead.
 */
const isRetryableStatus = (status: number) =>
  (status >= 500 && status !== 507) || status === 409 || status === 423;

export function createResumableUploader(opts: { baseUrl: string; apiKey: string; fetch: typeof fetch }) {
  const authHeaders = { Authorization: `Bearer ${opts.apiKey}`, 'Tus-Resumable': TUS_VERSION };
  const origin = new URL(opts.baseUrl).origin;

  /**
   * The upload URL resolved against baseUrl, only on baseUrl's origin: the API key goes with every HEAD
   * and PATCH, so a Location (or a stored uploadUrl) naming another scheme, host or port is refused,
   * never followed: behind TLS a server answering `http://…` would otherwise get the key in clear text.
   */
  function sameOriginUploadUrl(url: string): string {
    const resolved = new URL(url, opts.baseUrl);
    if (resolved.origin !== origin) {
      throw new ResumableUploadError(
        `The upload URL ${resolved.origin} is not on ${origin}; the API key is only sent to baseUrl's origin.`,
        undefined,
        0,
      );
    }
    return resolved.toString();
  }

  /** The server's offset, and the media id when the upload already finished (its last answer was lost). */
  async function headOffset(
    uploadUrl: string,
    signal?: AbortSignal,
  ): Promise<{ offset: number; mediaId: string | null }> {
    const res = await opts.fetch(uploadUrl, { method: 'HEAD', headers: authHeaders, signal });
    if (!res.ok) throw await errorOf(res);
    const offset = Number(res.headers.get('upload-offset'));
    if (!Number.isInteger(offset) || offset < 0) throw new Error('The server sent no valid Upload-Offset.');
    return { offset, mediaId: res.headers.get('upload-media-id') };
  }

  async function createUpload(reader: ChunkReader, o: ResumableUploadOptions): Promise<string> {
    const meta = [`filename ${base64(o.filename ?? reader.name ?? 'upload')}`];
    if (o.filetype) meta.push(`filetype ${base64(o.filetype)}`);
    const res = await opts.fetch(new URL(TUS_UPLOAD_PATH, opts.baseUrl), {
      method: 'POST',
      headers: { ...authHeaders, 'Upload-Length': String(reader.size), 'Upload-Metadata': meta.join(',') },
      signal: o.signal,
    });
    const location = res.headers.get('location');
    if (res.status !== 201 || !location) throw await errorOf(res);
    return sameOriginUploadUrl(location);
  }

  /**
   * Uploads `source` resumably and returns the media id (from `Upload-Media-Id` of the last PATCH).
   * A dropped connection is retried from the server's offset; `signal` or too many failures end in a
   * ResumableUploadError whose `uploadUrl` continues the upload when passed back as `uploadUrl`.
   */
  return async function uploadResumable(
    source: ResumableSource,
    o: ResumableUploadOptions = {},
  ): Promise<ResumableUploadResult> {
    const reader = await openSource(source);
    const chunkSize = Math.max(1, o.chunkSize ?? 8 * 1024 * 1024);
    const maxFailures = o.retries ?? 5;
    let uploadUrl = o.uploadUrl === undefined ? undefined : sameOriginUploadUrl(o.uploadUrl);
    let offset = 0;
    let failures = 0;
    const stop = (message: string, cause?: unknown) =>
      new ResumableUploadError(message, uploadUrl, offset, cause);

    try {
      if (uploadUrl) {
        const head = await headOffset(uploadUrl, o.signal);
        if (head.mediaId) return { mediaId: head.mediaId, uploadUrl };
        offset = head.offset;
      } else {
        uploadUrl = await createUpload(reader, o);
        await o.onUploadUrl?.(uploadUrl);
      }
    } catch (err) {
      if (err instanceof FjordApiError || err instanceof ResumableUploadError) throw err;
      throw stop(uploadUrl ? 'Could not read the upload offset.' : 'Could not create the upload.', err);
    }
    o.onProgress?.(offset, reader.size);

    for (;;) {
      if (o.signal?.aborted)
        throw stop('The upload was aborted; resume it from its uploadUrl.', o.signal.reason);
      const end = Math.min(offset + chunkSize, reader.size);
      try {
        const chunk = await reader.read(offset, end);
        const res = await opts.fetch(uploadUrl, {
          method: 'PATCH',
          headers: {
            ...authHeaders,
            'Content-Type': 'application/offset+octet-stream',
            'Upload-Offset': String(offset),
          },
          body: chunk as Uint8Array<ArrayBuffer>,
          signal: o.signal,
        });
        if (res.status === 204) {
          offset = Number(res.headers.get('upload-offset'));
          failures = 0;
          o.onProgress?.(offset, reader.size);
          const mediaId = res.headers.get('upload-media-id');
          if (mediaId) return { mediaId, uploadUrl };
          if (offset >= reader.size) throw stop('The server finished the upload without a media id.');
          continue;
        }
        throw await errorOf(res); // a retryable status is retried below, after a HEAD
      } catch (err) {
        if (err instanceof ResumableUploadError) throw err;
        if (err instanceof FjordApiError && !isRetryableStatus(err.status)) throw err;
        if (o.signal?.aborted) throw stop('The upload was aborted; resume it from its uploadUrl.', err);
        if (++failures > maxFailures) throw stop(`The upload failed ${failures} times in a row.`, err);
        await delay((o.retryDelayMs ?? 500) * 2 ** (failures - 1), o.signal);
        try {
          const head = await headOffset(uploadUrl, o.signal);
          if (head.mediaId) return { mediaId: head.mediaId, uploadUrl };
          offset = head.offset;
        } catch (headErr) {
          // 404/410: the upload is gone (expired or finished) — nothing to resume.
          if (headErr instanceof FjordApiError && !isRetryableStatus(headErr.status)) throw headErr;
        }
      }
    }
  };
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
