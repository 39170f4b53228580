export { signStreamToken, verifyStreamToken } from '@fjord/auth';

/** The token path segment that means "no token: my session or API key" (owner or admin). */
export const SESSION_STREAM_TOKEN = 's';

/** The public URL of a presentation's entry file (`master.m3u8` or `manifest.mpd`). */
export function streamUrl(input: { baseUrl: string; token: string; mediaId: string; file: string }) {
  return new URL(`/stream/${input.token}/${input.mediaId}/${input.file}`, input.baseUrl).toString();
}
