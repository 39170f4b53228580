import { z } from 'zod';

/**
 * Job contracts, in one place: queue names, job names, versions, zod payload and result schemas; each
 * job's definition (job-definitions.ts) ties them to its options and failure classes. Payloads carry ids,
 * never blobs or personal data.
 */
export const QueueName = {
  transcode: 'transcode',
  db: 'db',
  email: 'email',
  maintenance: 'maintenance',
  webhooks: 'webhooks',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  transcodeImage: 'transcode-image',
  transcodeVideo: 'transcode-video',
  storyboardVideo: 'storyboard-video',
  finalizeMedia: 'finalize-media',
  notifyMedia: 'notify-media',
  sweepStuckMedia: 'sweep-stuck-media',
  deliverWebhook: 'deliver-webhook',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** An image variant the transcode step produces. Never upscaled: width is a maximum. */
export const ImageVariantSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  format: z.enum(['webp', 'avif', 'jpeg', 'png']),
  maxWidth: z.number().int().positive(),
  quality: z.number().int().min(1).max(100),
});
export type ImageVariant = z.infer<typeof ImageVariantSchema>;

export const IMAGE_VARIANTS: readonly ImageVariant[] = [
  { name: 'thumb-webp', format: 'webp', maxWidth: 320, quality: 75 },
  { name: 'w1280-webp', format: 'webp', maxWidth: 1280, quality: 80 },
  { name: 'w1280-avif', format: 'avif', maxWidth: 1280, quality: 55 },
];

export function findImageVariant(name: string): ImageVariant | undefined {
  return IMAGE_VARIANTS.find((v) => v.name === name);
}

/**
 * A video output. Renditions are an H.264/AAC MP4 ladder by short side (portrait-safe); a rung is skipped
 * unless the source's short side is above `skipUnlessSourceAbove`, so nothing is upscaled or duplicated.
 */
export const VideoVariantSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  /** `storyboard` runs as its own job (storyboard-video): the scrub-preview sprite and its WebVTT. */
  kind: z.enum(['rendition', 'poster', 'preview', 'storyboard']),
  shortSide: z.number().int().positive(),
  skipUnlessSourceAbove: z.number().int().nonnegative(),
  crf: z.number().int().min(0).max(51).optional(),
  audioKbps: z.number().int().positive().optional(),
  previewSeconds: z.number().positive().optional(),
});
export type VideoVariant = z.infer<typeof VideoVariantSchema>;

/** The storyboard job's two renditions: the sprite, and the WebVTT whose cues point into it. */
export const STORYBOARD_IMAGE_RENDITION = 'storyboard-jpg';
export const STORYBOARD_VTT_RENDITION = 'storyboard-vtt';

export const VIDEO_VARIANTS: readonly VideoVariant[] = [
  { name: 'v360-mp4', kind: 'rendition', shortSide: 360, skipUnlessSourceAbove: 0, crf: 26, audioKbps: 96 },
  {
    name: 'v720-mp4',
    kind: 'rendition',
    shortSide: 720,
    skipUnlessSourceAbove: 360,
    crf: 23,
    audioKbps: 128,
  },
  {
    name: 'v1080-mp4',
    kind: 'rendition',
    shortSide: 1080,
    skipUnlessSourceAbove: 720,
    crf: 22,
    audioKbps: 160,
  },
  { name: 'poster-jpg', kind: 'poster', shortSide: 720, skipUnlessSourceAbove: 0 },
  { name: 'preview-webp', kind: 'preview', shortSide: 180, skipUnlessSourceAbove: 0, previewSeconds: 3 },
  { name: STORYBOARD_IMAGE_RENDITION, kind: 'storyboard', shortSide: 90, skipUnlessSourceAbove: 0 },
];

export function findVideoVariant(name: string): VideoVariant | undefined {
  return VIDEO_VARIANTS.find((v) => v.name === name);
}

export type MediaKindName = 'IMAGE' | 'VIDEO';

/** The variant names a media of this kind fans out to. */
export function variantNamesFor(kind: MediaKindName): string[] {
  return (kind === 'VIDEO' ? VIDEO_VARIANTS : IMAGE_VARIANTS).map((v) => v.name);
}

/** A fresh processing-run id (see TranscodeJobData.run): time-ordered, unique enough per media. */
export function newProcessingRun(now = Date.now()): string {
  return `${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export const TranscodeJobDataSchema = z.object({
  v: z.literal(1),
  mediaId: z.uuid(),
  variant: z.string(),
  /** Follows one upload through every service's logs. */
  requestId: z.string().optional(),
  /**
   * The processing run (a reprocess starts a new one): renditions are written under their run's own keys,
   * so the previous run's files stay intact and visible until finalize commits the new set.
   */
  run: z
    .string()
    .regex(/^[a-z0-9]{1,32}$/)
    .optional(),
});
export type TranscodeJobData = z.infer<typeof TranscodeJobDataSchema>;

/** One file a transcode child wrote, as finalize records it in a rendition row. */
export const RenderedFileSchema = z.object({
  variant: z.string(),
  format: z.string(),
  mimeType: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  storageKey: z.string(),
});

export const TranscodeJobResultSchema = RenderedFileSchema.extend({
  /** Dimensions of the source after EXIF orientation, so finalize can record them. */
  sourceWidth: z.number().int().positive(),
  sourceHeight: z.number().int().positive(),
  /** A ladder rung the source is too small for: nothing was written, finalize records no rendition. */
  skipped: z.boolean().optional(),
  durationMs: z.number().int().nonnegative().nullish(),
  bitrate: z.number().int().nonnegative().nullish(),
  /** More files the same child wrote (the storyboard's WebVTT beside its sprite), each its own rendition. */
  alsoRendered: z.array(RenderedFileSchema).optional(),
  /** Video only: what the probe found in the original, so finalize can record it. */
  video: z
    .object({
      durationMs: z.number().int().nonnegative(),
      videoCodec: z.string(),
      audioCodec: z.string().nullable(),
      bitrate: z.number().int().nonnegative(),
      rotation: z.number().int(),
    })
    .optional(),
});
export type TranscodeJobResult = z.infer<typeof TranscodeJobResultSchema>;

/** Every rendition one child's result stands for: itself (unless skipped) and what it also rendered. */
export function renditionsOfResult(result: TranscodeJobResult): Omit<TranscodeJobResult, 'alsoRendered'>[] {
  const { alsoRendered = [], ...main } = result;
  if (main.skipped) return [];
  return [main, ...alsoRendered.map((extra) => ({ ...main, durationMs: null, bitrate: null, ...extra }))];
}

export const FinalizeJobDataSchema = z.object({
  v: z.literal(1),
  mediaId: z.uuid(),
  requestId: z.string().optional(),
});
export type FinalizeJobData = z.infer<typeof FinalizeJobDataSchema>;

export const FinalizeJobResultSchema = z.object({
  mediaId: z.uuid(),
  status: z.enum(['READY', 'FAILED']),
  error: z.string().optional(),
});
export type FinalizeJobResult = z.infer<typeof FinalizeJobResultSchema>;

export const NotifyJobDataSchema = z.object({
  v: z.literal(1),
  mediaId: z.uuid(),
  requestId: z.string().optional(),
});
export type NotifyJobData = z.infer<typeof NotifyJobDataSchema>;

export const NotifyJobResultSchema = z.object({
  kind: z.enum(['MEDIA_READY', 'MEDIA_FAILED']),
  messageId: z.string(),
  /** false when an earlier attempt already sent it: the outbox row made this a no-op. */
  sent: z.boolean(),
});
export type NotifyJobResult = z.infer<typeof NotifyJobResultSchema>;

/**
 * Deterministic job ids, so a re-enqueue never duplicates work. BullMQ forbids ':' in custom ids
 * (beyond its legacy 3-part form), so the parts are joined with '.'.
 */
export function mediaJobId(
  mediaId: string,
  step: 'transcode' | 'finalize' | 'notify',
  variant?: string,
): string {
  return ['media', mediaId, step, ...(variant ? [variant] : [])].join('.');
}

export const MediaEventSchema = z.object({
  mediaId: z.uuid(),
  type: z.enum([
    'queued',
    'processing',
    'progress',
    'variant-done',
    'variant-failed',
    'ready',
    'failed',
    'notified',
    /** The media was deleted: a worker still processing it stops (its ffmpeg is killed). */
    'deleted',
  ]),
  variant: z.string().optional(),
  at: z.number(),
});
export type MediaEvent = z.infer<typeof MediaEventSchema>;

/** Events a webhook endpoint can subscribe to. media.deleted is emitted once media deletion exists. */
export const WEBHOOK_EVENTS = ['media.ready', 'media.failed', 'media.deleted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The JSON body of every webhook delivery (documented under `webhooks` in the OpenAPI document). */
export const WebhookEventPayloadSchema = z
  .object({
    id: z.string().meta({ description: 'Stable event id, also in Fjord-Event-Id: de-duplicate on it.' }),
    type: z.enum(WEBHOOK_EVENTS),
    createdAt: z.iso.datetime(),
    data: z.object({
      id: z.uuid(),
      kind: z.enum(['IMAGE', 'VIDEO']),
      status: z.enum(['UPLOADED', 'QUEUED', 'PROCESSING', 'READY', 'FAILED']),
      error: z.string().nullable(),
    }),
  })
  .meta({ id: 'WebhookEventPayload' });
export type WebhookEventPayload = z.infer<typeof WebhookEventPayloadSchema>;

export const WebhookJobDataSchema = z.object({ v: z.literal(1), deliveryId: z.uuid() });
export type WebhookJobData = z.infer<typeof WebhookJobDataSchema>;

/** One job per delivery, so a re-emitted event or a redelivery request never doubles a pending one. */
export function webhookJobId(deliveryId: string, round = 0): string {
  return round === 0 ? `webhook.${deliveryId}` : `webhook.${deliveryId}.r${round}`;
}
