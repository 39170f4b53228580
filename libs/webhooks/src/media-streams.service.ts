import { signStreamToken } from '@fjord/auth';
import type { DbClient } from '@fjord/db';
import {
  STORYBOARD_IMAGE_RENDITION,
  STORYBOARD_VTT_RENDITION,
  StreamManifestSchema,
  type Storyboard,
  type StreamCaption,
  type Streams,
} from '@fjord/queue';

/** What signing a presentation needs: the /files signer's key, the public origin, the lifetime. */
export type StreamSigner = { urlSigningSecret: string; baseUrl: string; ttlSeconds: number };

/**
 * The signed HLS and DASH URLs of a media's committed CMAF ladder, with its rungs; null while there is
 * none (an image, a video not READY yet). One token covers the whole presentation until `expiresAt`.
 */
export async function findSignedStreams(
  deps: StreamSigner & { db: DbClient; mediaId: string; now?: Date },
): Promise<Streams | null> {
  return (await findSignedPlayback(deps))?.streams ?? null;
}

/** The whole signed presentation: streams, the storyboard (null without one) and the caption tracks. */
export type SignedPlayback = { streams: Streams; storyboard: Storyboard | null; captions: StreamCaption[] };

/**
 * Streams plus the storyboard and captions under the same token (they are served by /stream beside the
 * ladder, docs/adr/0016-cmaf-ladder.md); null while there is no committed ladder.
 */
export async function findSignedPlayback(
  deps: StreamSigner & { db: DbClient; mediaId: string; now?: Date },
): Promise<SignedPlayback | null> {
  const media = await deps.db.media.findUnique({
    where: { id: deps.mediaId },
    select: {
      renditions: {
        where: { name: { in: ['cmaf', STORYBOARD_VTT_RENDITION, STORYBOARD_IMAGE_RENDITION] } },
        select: { name: true, stream: true },
      },
      captions: { select: { lang: true, label: true }, orderBy: { lang: 'asc' } },
    },
  });
  const names = new Set(media?.renditions.map((r) => r.name));
  const row = media?.renditions.find((r) => r.name === 'cmaf');
  const parsed = row ? StreamManifestSchema.safeParse(row.stream) : null;
  if (!media || !parsed?.success) return null;
  const { rungs, audio } = parsed.data;
  const { token, expiresAt } = signStreamToken({
    secret: deps.urlSigningSecret,
    mediaId: deps.mediaId,
    expiresAt: new Date((deps.now ?? new Date()).getTime() + deps.ttlSeconds * 1000),
  });
  const url = (file: string) => new URL(`/stream/${token}/${deps.mediaId}/${file}`, deps.baseUrl).toString();
  const hasStoryboard = names.has(STORYBOARD_VTT_RENDITION) && names.has(STORYBOARD_IMAGE_RENDITION);
  const streams: Streams = {
    hls: url('master.m3u8'),
    dash: url('manifest.mpd'),
    expiresAt: expiresAt.toISOString(),
    rungs: rungs.map(({ name, width, height, bandwidth, averageBandwidth, codecs, frameRate }) => ({
      name,
      width,
      height,
      bandwidth,
      averageBandwidth,
      codecs,
      frameRate,
    })),
    audio: audio
      ? {
          codecs: audio.codecs,
          bandwidth: audio.bandwidth,
          channels: audio.channels,
          sampleRate: audio.sampleRate,
        }
      : null,
  };
  return {
    streams,
    storyboard: hasStoryboard
      ? { vtt: url(STORYBOARD_VTT_RENDITION), image: url(STORYBOARD_IMAGE_RENDITION) }
      : null,
    // The path /stream serves a caption at (stream.handler.ts streamCaptionUri).
    captions: media.captions.map((c) => ({
      lang: c.lang,
      label: c.label,
      url: url(`captions/${c.lang}.vtt`),
    })),
  };
}
