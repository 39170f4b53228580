import { Upload } from 'tus-js-client';

export const IMAGE_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/heic',
  'image/heif',
  'image/tiff',
  'image/jxl',
];
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska'];
export const ACCEPTED_TYPES = [...IMAGE_TYPES, ...VIDEO_TYPES];
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|avif|heic|heif|jxl|tiff?)$/i;
const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|webm|mkv)$/i;

export type UploadLimits = { imageMaxBytes: number; videoMaxBytes: number };

export function isVideoFile(file: File): boolean {
  return file.type ? VIDEO_TYPES.includes(file.type) : VIDEO_EXTENSIONS.test(file.name);
}

function formatSize(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** A friendly early check; the server sniffs the bytes and has the final word. */
export function checkFileBeforeUpload(file: File, limits: UploadLimits): string | null {
  const isVideo = isVideoFile(file);
  const isImage = file.type ? IMAGE_TYPES.includes(file.type) : IMAGE_EXTENSIONS.test(file.name);
  if (!isVideo && !isImage) {
    return `${file.name} is not a supported image or video (${file.type || 'unknown type'}). Fjord accepts JPEG, PNG, WebP, GIF, AVIF, HEIC, JPEG XL and TIFF images and MP4, MOV, WebM and MKV videos.`;
  }
  if (file.size === 0) return `${file.name} is empty.`;
  const max = isVideo ? limits.videoMaxBytes : limits.imageMaxBytes;
  if (file.size > max) return `${file.name} is ${formatSize(file.size)}; the limit is ${formatSize(max)}.`;
  return null;
}

export type UploadResult = { id: string; status: string };

/** tus-js-client's own rule (network errors, 5xx, 409, 423), except 507 Insufficient Storage. */
export function isRetryableTusStatus(status: number): boolean {
  if (status === 507) return false;
  const isClientError = status >= 400 && status < 500;
  const isOnline = typeof navigator === 'undefined' || navigator.onLine !== false;
  return (!isClientError || status === 409 || status === 423) && isOnline;
}

/**
 * Videos: resumable (tus). A dropped connection is retried from the last byte the server has, and a
 * reload finds the unfinished upload of the same file again (fingerprint in localStorage).
 */
export function uploadResumable(
  file: File,
  onProgress: (loaded: number, total: number) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: '/api/tus',
      metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
      chunkSize: 64 * 1024 * 1024,
      retryDelays: [0, 1_000, 3_000, 5_000, 10_000],
      removeFingerprintOnSuccess: true,
      // 507: the server is out of space. Retrying at once cannot help, and after a failed last PATCH
      // (the upload is gone) tus-js-client would send the whole file again, endlessly.
      onShouldRetry: (err) => isRetryableTusStatus(err.originalResponse?.getStatus() ?? 0),
      onProgress: (loaded, total) => onProgress(loaded, total),
      onSuccess: ({ lastResponse }) => {
        const id = lastResponse.getHeader('Upload-Media-Id');
        if (id) resolve({ id, status: 'QUEUED' });
        else reject(new Error('The upload finished but the server did not name the new media.'));
      },
      onError: (err) => {
        const body = (err as { originalResponse?: { getBody(): string } }).originalResponse?.getBody();
        let message = err.message;
        try {
          message = (JSON.parse(body ?? '') as { error?: { message?: string } }).error?.message ?? message;
        } catch {
          // not our JSON: keep tus's message
        }
        reject(new Error(message));
      },
    });
    signal?.addEventListener('abort', () => void upload.abort(true), { once: true });
    void upload.findPreviousUploads().then((previous) => {
      if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  });
}

/** The streamed upload route: the raw file is the body, the name in X-Filename (same origin, CSRF-checked). */
export const STREAM_UPLOAD_URL = '/api/uploads';

/**
 * Images: one POST of the file itself to /api/uploads, with XMLHttpRequest because fetch cannot report
 * upload progress. The browser streams the File from disk; nothing here reads it into memory.
 */
export function uploadWithProgress(
  file: File,
  onProgress: (loaded: number, total: number) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', STREAM_UPLOAD_URL);
    xhr.responseType = 'json';
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      const body = xhr.response as (Partial<UploadResult> & { error?: { message?: string } }) | null;
      if (xhr.status === 202 && body?.id && body.status) resolve({ id: body.id, status: body.status });
      else reject(new Error(body?.error?.message ?? `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The connection failed during the upload. Please try again.'));
    xhr.onabort = () => reject(new Error('Upload cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
