import { StoryboardSchema, StreamCaptionSchema, StreamsSchema, type Streams } from '@fjord/queue';
import { z } from 'zod';

/**
 * The REST v1 contract: the handlers parse and shape with these schemas, and the OpenAPI document is
 * generated from the very same objects (openapi.document.ts), so the two cannot drift.
 */
export const MEDIA_STATUSES = ['UPLOADED', 'QUEUED', 'PROCESSING', 'READY', 'FAILED'] as const;
export const MEDIA_KINDS = ['IMAGE', 'VIDEO'] as const;

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. "not_found".' }),
      message: z.string().meta({ description: 'For people; may change.' }),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const MediaCreatedSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(MEDIA_KINDS),
    status: z.enum(MEDIA_STATUSES),
    links: z.object({
      self: z.url().meta({ description: 'The media: GET /api/v1/media/{id}.' }),
      files: z.url().meta({
        description:
          'The uploaded original: GET /files/{id}/original with the same API key or session. Renditions, once READY: GET /api/v1/media/{id}/renditions.',
      }),
    }),
  })
  .meta({ id: 'MediaCreated' });
export type MediaCreated = z.infer<typeof MediaCreatedSchema>;

export const RestRenditionSchema = z
  .object({
    name: z.string().meta({ description: 'Variant name, e.g. "thumb-webp".' }),
    format: z.string(),
    width: z.int(),
    height: z.int(),
    bytes: z.int(),
    bitrate: z.int().optional().meta({ description: 'Video renditions: bits per second.' }),
    durationMs: z.int().nullable().optional(),
    url: z
      .url()
      .meta({ description: 'Download URL; needs the API key (or use /renditions for signed URLs).' }),
  })
  .meta({ id: 'Rendition' });

/**
 * Defined beside the webhook payload that carries it too (media.ready); named here, not in @fjord/queue:
 * Next instantiates a lib once per route bundle, and one schema id registered twice stops the document.
 */
export const RestStreamsSchema = StreamsSchema.meta({ id: 'Streams' });
export type RestStreams = Streams;
export const RestStoryboardSchema = StoryboardSchema.meta({ id: 'Storyboard' });
export const RestStreamCaptionSchema = StreamCaptionSchema.meta({ id: 'StreamCaption' });

export const RestPlaceholderSchema = z
  .object({
    thumbhash: z.string().meta({
      description:
        'ThumbHash (https://evanw.github.io/thumbhash/) bytes, base64: decode to a ≤32 px image client-side.',
      example: '1QcSHQRnh493V4dIh4eXh1h4kJUI',
    }),
    color: z
      .string()
      .regex(/^#[0-9a-f]{6}$/)
      .meta({ description: 'Dominant colour, CSS #rrggbb.', example: '#4a6b2f' }),
  })
  .meta({ id: 'MediaPlaceholder' });

export const RestMediaSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(MEDIA_KINDS),
    status: z.enum(MEDIA_STATUSES),
    originalName: z.string(),
    mimeType: z.string(),
    sizeBytes: z.int(),
    width: z.int().nullable(),
    height: z.int().nullable(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    video: z
      .object({
        durationMs: z.int().nullable(),
        videoCodec: z.string().nullable(),
        audioCodec: z.string().nullable(),
        bitrate: z.int().nullable(),
        rotation: z.int().nullable(),
      })
      .optional()
      .meta({ description: 'Present for videos: what ffprobe found in the original.' }),
    renditions: z.array(RestRenditionSchema),
    placeholder: RestPlaceholderSchema.nullable().meta({
      description: 'Images once READY: what to show while the image loads; null otherwise.',
    }),
    streams: RestStreamsSchema.nullable().optional().meta({
      description:
        'Videos, on GET /api/v1/media/{id} only: signed adaptive-streaming URLs covering the whole presentation; null until the ladder is READY.',
    }),
    storyboard: RestStoryboardSchema.nullable().optional().meta({
      description:
        'Videos, on GET /api/v1/media/{id} only: scrub previews (WebVTT + sprite) under the streams token; null without a stream or storyboard.',
    }),
    captions: z.array(RestStreamCaptionSchema).optional().meta({
      description:
        'Videos, on GET /api/v1/media/{id} only: caption tracks (WebVTT) under the streams token; empty without a stream.',
    }),
  })
  .meta({ id: 'Media' });
export type RestMedia = z.infer<typeof RestMediaSchema>;

export const MediaListQuerySchema = z
  .strictObject({
    cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page.' }),
    limit: z.coerce.number().int().min(1).max(50).default(24),
    status: z.enum(MEDIA_STATUSES).optional(),
    kind: z.enum(MEDIA_KINDS).optional(),
    createdFrom: z.iso.datetime({ offset: true }).optional().meta({ description: 'Inclusive lower bound.' }),
    createdTo: z.iso.datetime({ offset: true }).optional().meta({ description: 'Exclusive upper bound.' }),
  })
  .meta({ id: 'MediaListQuery' });
export type MediaListQuery = z.infer<typeof MediaListQuerySchema>;

export const MediaListSchema = z
  .object({
    items: z.array(RestMediaSchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as ?cursor= for the next page; null at the end.' }),
  })
  .meta({ id: 'MediaList' });
export type MediaList = z.infer<typeof MediaListSchema>;

export const SignedRenditionSchema = z
  .object({
    name: z.string(),
    format: z.string(),
    mimeType: z.string(),
    width: z.int(),
    height: z.int(),
    bytes: z.int(),
    url: z.url().meta({ description: 'Works without credentials (plain curl) until expiresAt.' }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'SignedRendition' });

export const RenditionListSchema = z
  .object({ mediaId: z.uuid(), items: z.array(SignedRenditionSchema) })
  .meta({ id: 'RenditionList' });
export type RenditionList = z.infer<typeof RenditionListSchema>;

export const MediaUploadBodySchema = z
  .object({ file: z.string().meta({ format: 'binary', description: 'The image (≤ UPLOAD_MAX_BYTES).' }) })
  .meta({ id: 'MediaUpload' });
