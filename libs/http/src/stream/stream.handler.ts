import { createHash } from 'node:crypto';
import { isUuid, mediaVisibleTo } from '@fjord/api';
import type { DbClient } from '@fjord/db';
import type { Logger } from '@fjord/observability';
import {
  STORYBOARD_IMAGE_RENDITION,
  STORYBOARD_VTT_RENDITION,
  StreamManifestSchema,
  type StreamManifest,
} from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import { storedFileResponse, USER_FILE_HEADERS } from '../stored-file.response';
import { jsonError, toErrorResponse } from '../http-error';
import { assertScope, authenticateRequest, viewerOf } from '../request-auth';
import {
  renderDashMpd,
  renderHlsMaster,
  renderHlsMediaPlaylist,
  renderHlsSubtitlePlaylist,
  subtitlePlaylistUri,
  trackOf,
  type SubtitleTrack,
} from './stream-manifests';
import { SESSION_STREAM_TOKEN, verifyStreamToken } from './stream-token';

export type StreamHandlerDeps = {
  db: DbClient;
  storage: BlobStore;
  urlSigningSecret: string;
  logger?: Pick<Logger, 'error'>;
};
export type StreamParams = { token: string; mediaId: string; file: string[] };

const NOT_FOUND = 'This stream does not exist or you do not have access to it.';
const PLAYLIST = 'application/vnd.apple.mpegurl';
const SAFETY = USER_FILE_HEADERS;
/** Playlists are rendered per request (captions may be added): short. Segments never change: forever. */
const PLAYLIST_CACHE = 'private, max-age=10';
const SEGMENT_CACHE = 'private, max-age=31536000, immutable';

type CaptionFile = { lang: string; label: string; storageKey: string };
/** A file beside the ladder: the storyboard's two renditions (committed by the same finalize). */
type SideFile = { name: string; storageKey: string; mimeType: string; id: string; bytes: bigint };
type Presentation = {
  id: string;
  storageKey: string;
  manifest: StreamManifest;
  captions: CaptionFile[];
  storyboard: SideFile[];
  subtitles: SubtitleTrack[];
};
const STORYBOARD_FILES = [STORYBOARD_VTT_RENDITION, STORYBOARD_IMAGE_RENDITION];

async function loadPresentation(deps: StreamHandlerDeps, req: Request, params: StreamParams) {
  if (!isUuid(params.mediaId)) return jsonError('not_found', NOT_FOUND);
  let where: ReturnType<typeof mediaVisibleTo> | { id: string } = { id: params.mediaId };
  if (params.token === SESSION_STREAM_TOKEN) {
    const principal = await authenticateRequest(req, deps.db, { allowSession: true });
    if (!principal) return jsonError('unauthorized', 'Sign in, send an API key or use a signed stream URL.');
    assertScope(principal, 'media:read');
    where = mediaVisibleTo(viewerOf(principal), params.mediaId);
  } else {
    const check = verifyStreamToken({
      secret: deps.urlSigningSecret,
      mediaId: params.mediaId,
      token: params.token,
    });
    if (check !== 'valid') {
      return jsonError(
        'forbidden',
        check === 'expired'
          ? 'This stream link has expired; ask the API for a fresh one.'
          : 'This stream link is not valid.',
      );
    }
  }
  const media = await deps.db.media.findFirst({
    where,
    select: {
      id: true,
      renditions: {
        where: { name: { in: ['cmaf', ...STORYBOARD_FILES] } },
        select: { id: true, name: true, storageKey: true, stream: true, mimeType: true, bytes: true },
      },
      captions: { select: { lang: true, label: true, storageKey: true } },
    },
  });
  const row = media?.renditions.find((r) => r.name === 'cmaf');
  const manifest = row ? StreamManifestSchema.safeParse(row.stream) : null;
  if (!media || !row || !manifest?.success) return jsonError('not_found', NOT_FOUND);
  const presentation: Presentation = {
    id: media.id,
    storageKey: row.storageKey,
    manifest: manifest.data,
    captions: media.captions,
    storyboard: media.renditions.filter((r) => r.name !== 'cmaf'),
    subtitles: [...media.captions]
      .sort((a, b) => a.lang.localeCompare(b.lang))
      .map((c) => ({ lang: c.lang, label: c.label, uri: streamCaptionUri(c.lang) })),
  };
  return presentation;
}

const text = (body: string, type: string) =>
  new Response(body, {
    headers: {
      'Content-Type': type,
      'Cache-Control': PLAYLIST_CACHE,
      Vary: 'Cookie, Authorization',
      ...SAFETY,
    },
  });

/** A stored file, only if the committed manifest lists it: no path from the URL reaches storage unchecked. */
async function segmentResponse(deps: StreamHandlerDeps, req: Request, p: Presentation, file: string) {
  const [trackName, name] = file.split('/');
  const track = trackName ? trackOf(p.manifest, trackName) : null;
  const isListed = track && (track.init === file || track.segments.some((s) => s.uri === file));
  if (!track || !name || !isListed) return jsonError('not_found', NOT_FOUND);
  const storageKey = `${p.storageKey}${file}`;
  const stat = await deps.storage.stat(storageKey);
  if (!stat) return jsonError('not_found', NOT_FOUND);
  const isAudio = track.name === p.manifest.audio?.name;
  const type = name === 'init.mp4' ? (isAudio ? 'audio/mp4' : 'video/mp4') : 'video/iso.segment';
  const etag = `"${createHash('sha256').update(storageKey).digest('base64url').slice(0, 22)}"`;
  const headers = new Headers({
    'Content-Type': type,
    'Cache-Control': SEGMENT_CACHE,
    Vary: 'Cookie, Authorization',
    ...SAFETY,
  });
  return storedFileResponse({ req, storage: deps.storage, storageKey, size: stat.size, etag, headers });
}

/**
 * Where a caption sits in a presentation: with a `.vtt` extension, which players (ffmpeg's HLS demuxer
 * among them) check segment URLs against.
 */
export const streamCaptionUri = (lang: string) => `captions/${lang}.vtt`;

/**
 * A caption (`captions/<lang>.vtt`) or storyboard file (`storyboard-vtt`, `storyboard-jpg`) of the presentation,
 * under the same token; the storyboard VTT's relative image references resolve to the sprite here.
 * Captions are replaceable under one name: revalidate (the ETag names the blob).
 */
async function sideFileResponse(deps: StreamHandlerDeps, req: Request, p: Presentation, file: string) {
  const caption = p.captions.find((c) => streamCaptionUri(c.lang) === file);
  const board = p.storyboard.find((r) => r.name === file);
  const hit = caption
    ? {
        storageKey: caption.storageKey,
        type: 'text/vtt; charset=utf-8',
        etag: `"${caption.storageKey.split('/').pop()}"`,
        cache: 'private, no-cache',
      }
    : board
      ? {
          storageKey: board.storageKey,
          type: board.mimeType,
          etag: `"${board.id}-${board.bytes}"`,
          cache: '',
        }
      : null;
  if (!hit) return null;
  const stat = await deps.storage.stat(hit.storageKey);
  if (!stat) return jsonError('not_found', NOT_FOUND);
  const headers = new Headers({
    'Content-Type': hit.type,
    // The storyboard is written once per run (its key names the run): as immutable as a segment.
    'Cache-Control': hit.cache || SEGMENT_CACHE,
    Vary: 'Cookie, Authorization',
    ...SAFETY,
  });
  const { storageKey, etag } = hit;
  return storedFileResponse({ req, storage: deps.storage, storageKey, size: stat.size, etag, headers });
}

/**
 * GET/HEAD /stream/:token/:mediaId/*file — a CMAF presentation: `master.m3u8`, `manifest.mpd`,
 * `<track>/index.m3u8`, `subtitles/<lang>.m3u8`, `<track>/init.mp4`, `<track>/seg-NNNNN.m4s`,
 * `captions/<lang>.vtt`, `storyboard-vtt` and `storyboard-jpg`.
 * `:token` is a signed stream token (docs/adr/0016-cmaf-ladder.md) or `s` for the owner's session.
 */
export function createStreamHandler(deps: StreamHandlerDeps) {
  return async function handleStreamRequest(req: Request, params: StreamParams): Promise<Response> {
    try {
      const p = await loadPresentation(deps, req, params);
      if (p instanceof Response) return p;
      const file = params.file.join('/');
      const { rungs, audio, durationMs } = p.manifest;
      const { subtitles } = p;
      if (file === 'master.m3u8') return text(renderHlsMaster({ rungs, audio, subtitles }), PLAYLIST);
      if (file === 'manifest.mpd') {
        return text(renderDashMpd({ durationMs, rungs, audio, subtitles }), 'application/dash+xml');
      }
      if (params.file.length === 2 && params.file[1] === 'index.m3u8') {
        const track = trackOf(p.manifest, params.file[0]!);
        return track ? text(renderHlsMediaPlaylist(track), PLAYLIST) : jsonError('not_found', NOT_FOUND);
      }
      if (params.file[0] === 'subtitles') {
        const sub = subtitles.find((s) => subtitlePlaylistUri(s.lang) === file);
        return sub
          ? text(renderHlsSubtitlePlaylist({ uri: sub.uri, durationMs }), PLAYLIST)
          : jsonError('not_found', NOT_FOUND);
      }
      if (params.file.length === 1 || params.file[0] === 'captions') {
        const side = await sideFileResponse(deps, req, p, file);
        if (side) return side;
      }
      return await segmentResponse(deps, req, p, file);
    } catch (err) {
      return toErrorResponse(err, deps.logger);
    }
  };
}
