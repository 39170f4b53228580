import type { MediaKind, MediaStatus } from '@fjord/db';

export type RenditionDto = {
  name: string;
  format: string;
  mimeType: string;
  width: number;
  height: number;
  bytes: number;
  /** Video renditions: bits per second and length. */
  bitrate?: number | null;
  durationMs?: number | null;
  url: string;
};

/** What clients see of a media item: JSON-safe (ISO dates, numbers), never storage keys. */
export type MediaDto = {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  originalName: string;
  mimeType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  bitrate: number | null;
  rotation: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  originalUrl: string;
  /** Images: the small WebP. Videos: the short silent animated preview. */
  thumbnailUrl: string | null;
  posterUrl: string | null;
  /**
   * Videos with a committed CMAF ladder: the HLS master for the viewer's own session (`s` token of
   * /stream, docs/adr/0016); null otherwise. Services get signed URLs from the REST media's `streams`.
   */
  hlsUrl: string | null;
  /** Images once READY: a ThumbHash (base64) and the dominant colour to show while it loads (ADR 0023). */
  placeholder: MediaPlaceholder | null;
  renditions: RenditionDto[];
};

export type MediaPlaceholder = { thumbhash: string; color: string };

export const THUMBNAIL_RENDITION = 'thumb-webp';
export const VIDEO_THUMBNAIL_RENDITION = 'preview-webp';
export const VIDEO_POSTER_RENDITION = 'poster-jpg';

/** The renditions of a media as every DTO shows them; shared by the media and status queries. */
export const renditionDtoSelect = {
  select: {
    name: true,
    format: true,
    mimeType: true,
    width: true,
    height: true,
    bytes: true,
    bitrate: true,
    durationMs: true,
  },
  orderBy: { name: 'asc' },
} as const;

export const mediaDtoSelect = {
  id: true,
  ownerId: true,
  kind: true,
  status: true,
  originalName: true,
  mimeType: true,
  sizeBytes: true,
  width: true,
  height: true,
  durationMs: true,
  videoCodec: true,
  audioCodec: true,
  bitrate: true,
  rotation: true,
  thumbhash: true,
  dominantColor: true,
  error: true,
  createdAt: true,
  finishedAt: true,
  renditions: renditionDtoSelect,
} as const;

type MediaRow = {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  originalName: string;
  mimeType: string;
  sizeBytes: bigint;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  bitrate: number | null;
  rotation: number | null;
  thumbhash: string | null;
  dominantColor: string | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  renditions: RenditionRow[];
};

/** A rendition as `renditionDtoSelect` reads it (bytes is a BigInt column). */
export type RenditionRow = Omit<RenditionDto, 'url' | 'bytes'> & { bytes: bigint };

/** The JSON-safe rendition (bytes as a number: exact up to 8 PiB). */
export function toRenditionDto(mediaId: string, r: RenditionRow): RenditionDto {
  return { ...r, bytes: Number(r.bytes), url: mediaFileUrl(mediaId, r.name) };
}

export function mediaFileUrl(mediaId: string, name: string): string {
  return `/files/${mediaId}/${encodeURIComponent(name)}`;
}

export function toMediaDto(row: MediaRow): MediaDto {
  // The CMAF ladder is a folder served by /stream (streams in the REST media), not a downloadable file.
  const renditions = row.renditions.filter((r) => r.format !== 'cmaf').map((r) => toRenditionDto(row.id, r));
  const thumbName = row.kind === 'VIDEO' ? VIDEO_THUMBNAIL_RENDITION : THUMBNAIL_RENDITION;
  const thumb = renditions.find((r) => r.name === thumbName);
  const poster = renditions.find((r) => r.name === VIDEO_POSTER_RENDITION);
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    originalName: row.originalName,
    mimeType: row.mimeType,
    sizeBytes: Number(row.sizeBytes),
    width: row.width,
    height: row.height,
    durationMs: row.durationMs,
    videoCodec: row.videoCodec,
    audioCodec: row.audioCodec,
    bitrate: row.bitrate,
    rotation: row.rotation,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    originalUrl: mediaFileUrl(row.id, 'original'),
    thumbnailUrl: thumb?.url ?? null,
    posterUrl: poster?.url ?? null,
    hlsUrl: row.renditions.some((r) => r.format === 'cmaf') ? `/stream/s/${row.id}/master.m3u8` : null,
    placeholder:
      row.thumbhash && row.dominantColor ? { thumbhash: row.thumbhash, color: row.dominantColor } : null,
    renditions,
  };
}
