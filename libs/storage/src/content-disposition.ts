/**
 * `Content-Disposition: attachment` for any file name: an ASCII fallback (quotes, backslashes and
 * non-ASCII replaced) plus the exact UTF-8 name (RFC 6266 / 5987). Used by /files and S3 presigned URLs.
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
