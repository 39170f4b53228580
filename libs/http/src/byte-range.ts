export type ByteRangeResult =
  { kind: 'none' } | { kind: 'range'; start: number; end: number } | { kind: 'invalid' };

/**
 * One `bytes=` range (RFC 9110 §14.1.2): `a-b`, `a-` or `-suffix`. Several ranges are answered with the
 * whole file (allowed, and simpler than multipart/byteranges); anything unsatisfiable is `invalid` (416).
 */
export function parseByteRange(header: string | null, size: number): ByteRangeResult {
  if (!header) return { kind: 'none' };
  const match = /^bytes=\s*(.+)$/i.exec(header.trim());
  if (!match?.[1]) return { kind: 'invalid' };
  const specs = match[1].split(',').map((s) => s.trim());
  if (specs.length > 1) return { kind: 'none' };
  const spec = /^(\d*)-(\d*)$/.exec(specs[0] ?? '');
  if (!spec) return { kind: 'invalid' };
  const [, first = '', last = ''] = spec;
  if (first === '' && last === '') return { kind: 'invalid' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'invalid' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return { kind: 'invalid' };
  return { kind: 'range', start, end };
}

/** If-None-Match uses the weak comparison: W/"x" matches "x". */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}
