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
  sendAccountEmail: 'send-account-email',
  /** Bulk "eager presets only": the /img cache renders of one image (docs/adr/0027). */
  renderPresets: 'render-presets',
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

/**
 * The H.264 MP4 of a long animated GIF (ADR 0023): no job of its own, the w1280-webp child renders it beside
 * its animated WebP (same width cap) and reports it in `alsoRendered`.
 */
export const ANIMATED_MP4_RENDITION = 'anim-mp4';
export const ANIMATED_MP4_ALONGSIDE = 'w1280-webp';

/**
 * The one variant whose job computes the media's placeholder (ThumbHash + dominant colour, ADR 0023): the
 * narrowest, ties broken by name, so the hash comes from the smallest decode and is computed once per
 * image instead of once per child (docs/performance.md, image-e2e). Finalize keeps it whatever the order.
 */
export const PLACEHOLDER_VARIANT: string = [...IMAGE_VARIANTS].sort(
  (a, b) => a.maxWidth - b.maxWidth || a.name.localeCompare(b.name),
)[0]!.name;

export function findImageVariant(name: string): ImageVariant | undefined {
  return IMAGE_VARIANTS.find((v) => v.name === name);
}

/**
 * A video output. Renditions are an H.264/AAC MP4 ladder by short side (portrait-safe); a rung is skipped
 * unless the source's short side is above `skipUnlessSourceAbove`, so nothing is upscaled or duplicated.
 */
export const VideoVariantSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  /** `ladder`: the whole CMAF streaming ladder in one job (docs/adr/0016-cmaf-ladder.md); `storyboard` runs
   * as its own job (storyboard-video): the scrub-preview sprite and its WebVTT. */
  kind: z.enum(['rendition', 'poster', 'preview', 'ladder', 'storyboard']),
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
/**
 * The one progressive MP4 of a video (download and fallback): the ladder's top rung + audio remuxed by
 * the `cmaf` child itself (docs/adr/0026-download-mp4-from-ladder.md), recorded as one more rendition.
 */
export const DOWNLOAD_MP4_RENDITION = 'mp4';
/** The per-rung progressive MP4 children before ADR 0026: their rows stay valid, no flow makes them now. */
export const LEGACY_VIDEO_VARIANT_NAMES = ['v360-mp4', 'v720-mp4', 'v1080-mp4'] as const;

/**
 * A per-rung MP4 job queued before ADR 0026 (a flow still waiting at the upgrade): obsolete, answered as a
 * skipped child (nothing rendered, no rendition row) so its flow still finalizes; the ladder child of the
 * same flow makes the download MP4.
 */
export function isObsoleteVideoVariant(name: string): boolean {
  return (LEGACY_VIDEO_VARIANT_NAMES as readonly string[]).includes(name);
}

export const VIDEO_VARIANTS: readonly VideoVariant[] = [
  // The progressive MP4 is no child of its own: the `cmaf` child remuxes it (DOWNLOAD_MP4_RENDITION).
  { name: 'cmaf', kind: 'ladder', shortSide: 1080, skipUnlessSourceAbove: 0 },
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

/**
 * The media's processing run (`Media.run`), carried by every job of its flow: the guarded update that
 * starts a flow (upload, re-drive, reprocess) increments it, and a job whose run is no longer the media's
 * changes nothing (docs/adr/0015-media-runs.md). Optional only for jobs queued before runs existed.
 */
export const MediaRunSchema = z.number().int().positive();

/** The guard a job's writes take (`transitionMedia`'s): its run, if it has a numbered one. */
export function runGuardOf(data: { run?: number | string | undefined }): { run?: number } {
  return typeof data.run === 'number' ? { run: data.run } : {};
}

/** The storage folder of a run's renditions (`renditionKey`'s run part); a legacy job names its own. */
export function runFolder(run: number | string | undefined): string | undefined {
  return run === undefined ? undefined : String(run);
}

export const TranscodeJobDataSchema = z.object({
  v: z.literal(1),
  mediaId: z.uuid(),
  variant: z.string(),
  /** Follows one upload through every service's logs. */
  requestId: z.string().optional(),
  /**
   * The processing run: renditions are written under their run's own keys, so the previous run's files
   * stay intact and visible until finalize commits the new set. A string: a job queued before runs were
   * numbered (a random folder name, no run check).
   */
  run: z.union([MediaRunSchema, z.string().regex(/^[a-z0-9]{1,32}$/)]).optional(),
  /**
   * Image flows, on one variant's job: presets (IMAGE_EAGER_PRESETS) to render into the /img cache after
   * the variant, so their first view is a hit (docs/adr/0027). Their options as the queueing process
   * resolves them, so the worker renders what /img will look up. A warm-up: it never fails the job.
   */
  eagerPresets: z
    .array(z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), options: z.string().max(300) }))
    .max(32)
    .optional(),
});
export type TranscodeJobData = z.infer<typeof TranscodeJobDataSchema>;

/** One CMAF segment file of a track, its path relative to the presentation's folder. */
export const StreamSegmentSchema = z.object({
  uri: z.string().regex(/^[a-z0-9-]+\/seg-\d{5}\.m4s$/),
  /** Seconds, as the segmenter measured them (microsecond precision). */
  duration: z.number().positive(),
  bytes: z.number().int().nonnegative(),
});

const StreamTrackBase = {
  name: z.string().regex(/^[a-z0-9-]+$/),
  /** RFC 6381 codec string read from the init segment, e.g. `avc1.64001f` or `mp4a.40.2`. */
  codecs: z.string().regex(/^[a-zA-Z0-9.]+$/),
  /** Peak segment bit rate (bits/s) of this track alone; the HLS master adds the audio's to each rung. */
  bandwidth: z.number().int().positive(),
  averageBandwidth: z.number().int().positive(),
  init: z.string().regex(/^[a-z0-9-]+\/init\.mp4$/),
  segments: z.array(StreamSegmentSchema).min(1),
};
export const StreamVideoTrackSchema = z.object({
  ...StreamTrackBase,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frameRate: z.number().positive(),
});
export const StreamAudioTrackSchema = z.object({
  ...StreamTrackBase,
  channels: z.number().int().positive(),
  sampleRate: z.number().int().positive(),
});
/**
 * What the ladder job wrote, committed by finalize on the `cmaf` rendition row: the HLS master, the
 * per-rung playlists and the DASH MPD are rendered from it at request time, so they never list a file
 * that is not committed. URIs are relative to the rendition's storage prefix.
 */
export const StreamManifestSchema = z.object({
  v: z.literal(1),
  durationMs: z.number().int().positive(),
  /** Seconds between key frames, identical on every rung. */
  gopSeconds: z.number().positive(),
  rungs: z.array(StreamVideoTrackSchema).min(1),
  audio: StreamAudioTrackSchema.nullable(),
});
export type StreamVideoTrack = z.infer<typeof StreamVideoTrackSchema>;
export type StreamAudioTrack = z.infer<typeof StreamAudioTrackSchema>;
export type StreamManifest = z.infer<typeof StreamManifestSchema>;

/** One file a transcode child wrote, as finalize records it in a rendition row. */
export const RenderedFileSchema = z.object({
  variant: z.string(),
  format: z.string(),
  mimeType: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  storageKey: z.string(),
  /** A playable file beside the main one (the ladder's download MP4): its own length and bit rate. */
  durationMs: z.number().int().nonnegative().nullish(),
  bitrate: z.number().int().nonnegative().nullish(),
});

export const TranscodeJobResultSchema = RenderedFileSchema.extend({
  /** Dimensions of the source after EXIF orientation, so finalize can record them. */
  sourceWidth: z.number().int().positive(),
  sourceHeight: z.number().int().positive(),
  /** A ladder rung the source is too small for: nothing was written, finalize records no rendition. */
  skipped: z.boolean().optional(),
  /** The ladder job only: its tracks and segments; `storageKey` is then a folder (ends with '/'). */
  stream: StreamManifestSchema.optional(),
  /** More files the same child wrote (the storyboard's WebVTT beside its sprite), each its own rendition. */
  alsoRendered: z.array(RenderedFileSchema).optional(),
  /** Images, PLACEHOLDER_VARIANT's child only: the ThumbHash (base64) and dominant colour of what it rendered (docs/adr/0023). */
  placeholder: z
    .object({
      thumbhash: z.string().max(64),
      color: z.string().regex(/^#[0-9a-f]{6}$/),
    })
    .optional(),
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
  // An extra file (the ladder's download MP4) is not the ladder: it never carries the stream manifest.
  return [
    main,
    ...alsoRendered.map((extra) => ({
      ...main,
      durationMs: null,
      bitrate: null,
      stream: undefined,
      ...extra,
    })),
  ];
}

/** What finalize and notify carry: the media, and the upload's request id for the logs. */
export const MediaStepJobDataSchema = z.object({
  v: z.literal(1),
  mediaId: z.uuid(),
  requestId: z.string().optional(),
  run: MediaRunSchema.optional(),
});

export const FinalizeJobResultSchema = z.object({
  mediaId: z.uuid(),
  /** STALE: the job's run is no longer the media's; nothing was changed. */
  status: z.enum(['READY', 'FAILED', 'STALE']),
  error: z.string().optional(),
});

export const NotifyJobResultSchema = z.object({
  kind: z.enum(['MEDIA_READY', 'MEDIA_FAILED']),
  messageId: z.string(),
  /** false when an earlier attempt already sent it: the outbox row made this a no-op. */
  sent: z.boolean(),
  /** The job's run is no longer the media's: nothing was recorded or sent. */
  stale: z.literal(true).optional(),
  /** The owner's address is not verified (self-service sign-up): recorded as not sent, never mailed. */
  unverified: z.literal(true).optional(),
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

/** Signed playback of a committed ladder, as REST's media and the media.ready webhook give it. */
export const StreamRungSchema = z.object({
  name: z.string().meta({ description: 'Rung name, e.g. "v720".' }),
  width: z.int(),
  height: z.int(),
  bandwidth: z.int().meta({ description: 'Peak bits per second of the video (HLS adds the audio).' }),
  averageBandwidth: z.int().meta({ description: 'Average bits per second of the video.' }),
  codecs: z.string().meta({ description: 'RFC 6381 codec string, e.g. "avc1.64001f".' }),
  frameRate: z.number(),
});
export const StreamsSchema = z.object({
  hls: z.url().meta({
    description: 'HLS master playlist (CMAF segments); works without credentials until expiresAt.',
  }),
  dash: z.url().meta({ description: 'DASH MPD over the same segments; same token and expiry.' }),
  expiresAt: z.iso.datetime(),
  rungs: z.array(StreamRungSchema),
  audio: z
    .object({ codecs: z.string(), bandwidth: z.int(), channels: z.int(), sampleRate: z.int() })
    .nullable()
    .meta({ description: 'The one audio track every rung shares; null for a silent video.' }),
});
export type Streams = z.infer<typeof StreamsSchema>;

/** A video's scrub previews under the presentation's token: the WebVTT (cues `storyboard-jpg#xywh=…`) and sprite. */
export const StoryboardSchema = z.object({
  vtt: z.url().meta({
    description: 'WebVTT whose cues name tiles of the sprite (#xywh=x,y,w,h); same token as streams.',
  }),
  image: z.url().meta({ description: 'The JPEG sprite the VTT points into.' }),
});
export type Storyboard = z.infer<typeof StoryboardSchema>;

/** One caption track of a presentation: a WebVTT file under the same token as streams. */
export const StreamCaptionSchema = z.object({
  lang: z.string().meta({ description: 'BCP 47 language tag, e.g. "en", "pt-BR".' }),
  label: z.string(),
  url: z.url().meta({ description: 'The WebVTT file; works without credentials until streams.expiresAt.' }),
});
export type StreamCaption = z.infer<typeof StreamCaptionSchema>;

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
      streams: StreamsSchema.optional().meta({
        description:
          'media.ready of a video: signed stream URLs, valid until their expiresAt (GET /api/v1/media/{id} gives fresh ones).',
      }),
      storyboard: StoryboardSchema.nullable().optional().meta({
        description: 'media.ready of a video with a stream: the scrub previews, same token and expiry.',
      }),
      captions: z.array(StreamCaptionSchema).optional().meta({
        description: 'media.ready of a video with a stream: its caption tracks, same token and expiry.',
      }),
    }),
  })
  .meta({ id: 'WebhookEventPayload' });
export type WebhookEventPayload = z.infer<typeof WebhookEventPayloadSchema>;

export const WebhookJobDataSchema = z.object({ v: z.literal(1), deliveryId: z.uuid() });

/** Mail about the account itself (a verification link): the AccountEmail outbox row to send. */
export const AccountEmailJobDataSchema = z.object({ v: z.literal(1), accountEmailId: z.uuid() });
export const AccountEmailJobResultSchema = z.object({
  /** false: sent by an earlier attempt, or no longer wanted (address verified or changed, account gone). */
  sent: z.boolean(),
});
export const accountEmailJobId = (accountEmailId: string) => `account-email.${accountEmailId}`;

/** One job per delivery, so a re-emitted event or a redelivery request never doubles a pending one. */
export function webhookJobId(deliveryId: string, round = 0): string {
  return round === 0 ? `webhook.${deliveryId}` : `webhook.${deliveryId}.r${round}`;
}
