import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Video packets of a file or URL, as ffprobe reads them (pts seconds, key flag): what the CMAF tests
 * check GOP alignment and segment starts with. Tests only: it may read our own loopback playlists.
 */
export async function probeVideoPackets(
  input: string,
  { allowHttp = false } = {},
): Promise<{ pts: number; isKey: boolean }[]> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', ...(allowHttp ? ['-protocol_whitelist', 'http,tcp,file,crypto'] : [])],
    ...['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', input],
  ]);
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pts, flags] = line.split(',');
      return { pts: Number(pts), isKey: (flags ?? '').includes('K') };
    })
    .sort((a, b) => a.pts - b.pts);
}

/** ffprobe's streams and format of a file or (tests only) a loopback URL such as an HLS master playlist. */
export async function probeStreams(input: string, { allowHttp = false } = {}) {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', ...(allowHttp ? ['-protocol_whitelist', 'http,tcp,file,crypto'] : [])],
    ...['-print_format', 'json', '-show_format', '-show_streams', '-show_programs', input],
  ]);
  return JSON.parse(stdout) as {
    format: { format_name: string; duration?: string };
    programs?: {
      tags?: Record<string, string>;
      streams: { codec_type: string; width?: number; height?: number }[];
    }[];
    streams: {
      codec_type: string;
      codec_name: string;
      profile?: string;
      level?: number;
      width?: number;
      height?: number;
      side_data_list?: { rotation?: number }[];
    }[];
  };
}
