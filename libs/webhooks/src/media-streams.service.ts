import { signStreamToken } from '@fjord/auth';
import type { DbClient } from '@fjord/db';
import { StreamManifestSchema, type Streams } from '@fjord/queue';

/** What signing a presentation needs: the /files signer's key, the public origin, the lifetime. */
export type StreamSigner = { urlSigningSecret: string; baseUrl: string; ttlSeconds: number };

/**
 * The signed HLS and DASH URLs of a media's committed CMAF ladder, with its rungs; null while there is
 * none (an image, a video not READY yet). One token covers the whole presentation until `expiresAt`.
 */
export async function findSignedStreams(
  deps: StreamSigner & { db: DbClient; mediaId: string; now?: Date },
): Promise<Streams | null> {
  const row = await deps.db.rendition.findUnique({
    where: { mediaId_name: { mediaId: deps.mediaId, name: 'cmaf' } },
    select: { stream: true },
  });
  const parsed = row ? StreamManifestSchema.safeParse(row.stream) : null;
  if (!parsed?.success) return null;
  const { rungs, audio } = parsed.data;
  const { token, expiresAt } = signStreamToken({
    secret: deps.urlSigningSecret,
    mediaId: deps.mediaId,
    expiresAt: new Date((deps.now ?? new Date()).getTime() + deps.ttlSeconds * 1000),
  });
  const url = (file: string) => new URL(`/stream/${token}/${deps.mediaId}/${file}`, deps.baseUrl).toString();
  return {
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
}
