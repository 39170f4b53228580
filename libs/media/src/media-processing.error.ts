import { AppError } from '@fjord/errors';

export type MediaFailureKind = 'corrupt' | 'too_large' | 'unsupported' | 'unknown';

/**
 * An image that could not be processed, with a reason a person understands (it ends up in the
 * "processing failed" email). `isPermanent` tells the queue whether a retry can help: a corrupt or
 * oversized file stays that way, so retrying would only burn CPU.
 */
export class MediaProcessingError extends AppError {
  constructor(
    readonly kind: MediaFailureKind,
    message: string,
    readonly isPermanent: boolean,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(
      kind === 'too_large' ? 'too_large' : kind === 'unknown' ? 'internal' : 'unsupported_type',
      message,
      {
        kind,
        ...options?.details,
      },
    );
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

export function isMediaProcessingError(err: unknown): err is MediaProcessingError {
  return err instanceof MediaProcessingError;
}

const CORRUPT_PATTERNS = [
  /premature end/i,
  /truncat/i,
  /corrupt/i,
  /invalid (jpeg|png|webp|gif|tiff)/i,
  /bad (huffman|seek|adaptive)/i,
  /read error/i,
  /not a (jpeg|png)/i,
  // libvips loader errors are prefixed with the loader that failed while reading the input.
  /VipsJpeg|VipsForeignLoad|libspng|(jpeg|png|webp|gif|tiff|heif|jp2k)load/i,
  /crc error/i,
  // libvips keeps one error buffer per process: when renders run in parallel, a failed decode can lose
  // its message and sharp reports a bare "Unknown error". A decodable file never fails that way, so it is
  // the input, and retrying only burns CPU (seen with truncated JPEGs under concurrency).
  /^unknown error$/i,
];

/** Maps a sharp/libvips error to a MediaProcessingError with a human reason. */
export function classifySharpError(err: unknown): MediaProcessingError {
  if (err instanceof MediaProcessingError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/unsupported image format/i.test(message)) {
    return new MediaProcessingError('unsupported', 'Unsupported image format', true, { cause: err });
  }
  if (/exceeds pixel limit/i.test(message)) {
    return new MediaProcessingError('too_large', 'Image is too large to process', true, { cause: err });
  }
  if (/out of memory|cannot allocate|ENOMEM/i.test(message)) {
    // The machine, not the file: another attempt (maybe on another worker) can succeed.
    return new MediaProcessingError('unknown', 'The image processor ran out of memory', false, {
      cause: err,
    });
  }
  if (CORRUPT_PATTERNS.some((p) => p.test(message))) {
    return new MediaProcessingError('corrupt', 'The image file is corrupt or truncated', true, {
      cause: err,
    });
  }
  // libvips' own words (paths, loader names) stay in the cause, for the logs.
  return new MediaProcessingError('unknown', 'The image could not be processed', false, { cause: err });
}
