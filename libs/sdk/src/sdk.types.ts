/** Response shapes of REST v1 (they mirror the zod schemas the OpenAPI document is generated from). */
export type MediaStatus = 'UPLOADED' | 'QUEUED' | 'PROCESSING' | 'READY' | 'FAILED';
export type MediaKind = 'IMAGE' | 'VIDEO';

export type Media = {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  originalName: string;
  mimeType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  renditions: { name: string; format: string; width: number; height: number; bytes: number; url: string }[];
  /** Images once READY: ThumbHash (base64) and dominant colour (#rrggbb) to show while loading; else null. */
  placeholder: MediaPlaceholder | null;
  /** Videos, from getMedia only: signed HLS/DASH URLs (valid until expiresAt) and the ladder; null until READY. */
  streams?: Streams | null;
  /** Videos, from getMedia only: the scrub previews under the streams token; null without them. */
  storyboard?: { vtt: string; image: string } | null;
  /** Videos, from getMedia only: caption tracks (WebVTT) under the streams token. */
  captions?: { lang: string; label: string; url: string }[];
};
export type MediaPlaceholder = { thumbhash: string; color: string };
export type StreamRung = {
  name: string;
  width: number;
  height: number;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  frameRate: number;
};
export type Streams = {
  hls: string;
  dash: string;
  expiresAt: string;
  rungs: StreamRung[];
  audio: { codecs: string; bandwidth: number; channels: number; sampleRate: number } | null;
};
export type MediaCreated = {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  links: { self: string; files: string };
};
export type MediaList = { items: Media[]; nextCursor: string | null };
export type MediaListQuery = {
  cursor?: string;
  limit?: number;
  status?: MediaStatus;
  kind?: MediaKind;
  createdFrom?: string;
  createdTo?: string;
};
export type RenditionList = {
  mediaId: string;
  items: {
    name: string;
    format: string;
    mimeType: string;
    width: number;
    height: number;
    bytes: number;
    url: string;
    expiresAt: string;
  }[];
};
export type WebhookEvent = 'media.ready' | 'media.failed' | 'media.deleted';
export type WebhookEndpoint = { id: string; url: string; events: WebhookEvent[]; createdAt: string };

/** GET /api/v1/media/{id}/image-url: the options of an on-the-fly transform (docs/adr/0020). */
export type ImageUrlOptions = {
  preset?: string;
  width?: number;
  height?: number;
  fit?: 'cover' | 'contain' | 'inside';
  /** With fit cover: centre, a compass point, `smart`, or `fp:<x>:<y>`. */
  gravity?: string;
  dpr?: number;
  quality?: number;
  format?: 'auto' | 'avif' | 'webp' | 'jpeg' | 'png';
  blur?: number;
  sharpen?: number;
};

export type ImageUrl = { url: string; expiresAt: string };
export type Caption = { lang: string; label: string; bytes: number; createdAt: string; url: string };
export type CaptionList = { mediaId: string; items: Caption[] };
