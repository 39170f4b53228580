import { BYTES_CONTENT, errorResponse, pathParam, type JsonObject } from './openapi-parts';

/**
 * `/stream/{token}/{mediaId}/…` as the stream handler answers it (docs/adr/0016-cmaf-ladder.md): the HLS
 * master and the MPD at the top, a track's playlist, init and media segments one level down.
 */
export function streamPaths(): Record<string, JsonObject> {
  const operation = (method: 'get' | 'head', nested: boolean) => ({
    operationId: `${method === 'get' ? 'getStream' : 'headStream'}${nested ? 'TrackFile' : 'File'}`,
    summary: nested
      ? "A track's media playlist, init segment or CMAF media segment"
      : 'The HLS master playlist (master.m3u8) or the DASH MPD (manifest.mpd)',
    tags: ['files'],
    security: [{}, { apiKey: [] }],
    'x-fjord-scope': 'media:read',
    parameters: [
      pathParam(
        'token',
        'A signed stream token from GET /api/v1/media/{id} (streams), or "s" for a session / API key.',
      ),
      pathParam('mediaId', 'Media id.'),
      ...(nested ? [pathParam('track', 'Track name, e.g. "v720" or "audio".')] : []),
      pathParam(
        'file',
        nested ? '"index.m3u8", "init.mp4" or "seg-NNNNN.m4s".' : '"master.m3u8" or "manifest.mpd".',
      ),
    ],
    responses: {
      '200': {
        description: 'The playlist, MPD or segment bytes.',
        content: BYTES_CONTENT,
      },
      '206': {
        description: 'The requested range of a segment.',
        content: BYTES_CONTENT,
      },
      '304': { description: 'Not modified.' },
      '401': errorResponse('Token "s" without a valid session or API key.'),
      '403': errorResponse(
        'The token is not valid for this media or has expired, or the key lacks media:read.',
      ),
      '404': errorResponse('No such stream or file, or not yours.'),
      '416': { description: 'The range lies outside the segment.' },
    },
  });
  const both = (nested: boolean) => ({ get: operation('get', nested), head: operation('head', nested) });
  return {
    '/stream/{token}/{mediaId}/{file}': both(false),
    '/stream/{token}/{mediaId}/{track}/{file}': both(true),
  };
}
