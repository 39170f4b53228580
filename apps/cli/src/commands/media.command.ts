import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getConfig } from '@fjord/config';
import { createFjordClient, ResumableUploadError, type FjordClient, type Media } from '@fjord/sdk';
import { UsageError } from '../cli-context';

const COMMON = '[--url <Fjord URL>] [--key <API key> | env FJORD_API_KEY]';
/** Above this, `upload` goes resumable (tus, in chunks) without being asked. */
/**
 * A video's signed stream URLs, ladder, storyboard and caption tracks, one line each (nothing for images or
 * before READY).
 */
export function streamLines(m: Media): string[] {
  if (!m.streams) return [];
  const { hls, dash, expiresAt, rungs } = m.streams;
  const ladder = rungs.map(
    (r) => `${r.name} ${r.width}x${r.height} ${Math.round(r.averageBandwidth / 1000)} kbit/s`,
  );
  return [
    `  hls  ${hls}`,
    `  dash ${dash}`,
    `  (until ${expiresAt}) ${ladder.join(', ')}`,
    ...(m.storyboard ? [`  storyboard ${m.storyboard.vtt}`] : []),
    ...(m.captions ?? []).map((c) => `  captions ${c.lang} (${c.label}) ${c.url}`),
  ];
}

export const RESUMABLE_THRESHOLD_BYTES = 32 * 1024 * 1024;

export const mediaHelp = `fjord upload <file…> ${COMMON} [--wait] [--resumable] [--resume <upload URL>]
  Uploads images and videos through the REST API (each with an Idempotency-Key); --wait waits until each is
  READY or FAILED. Files above 32 MB (or with --resumable) go resumably in 8 MB chunks, surviving dropped
  connections; if one is interrupted, its upload URL is printed: continue with --resume <URL> (within 24 h).
fjord status <media id> ${COMMON} [--wait]
fjord list ${COMMON} [--status READY|FAILED|…] [--limit N]
fjord reprocess <media id…> ${COMMON} [--wait]
  Runs finished media through processing again (refused while it is still being processed).
fjord image-url <media id> ${COMMON} [--preset thumb|card|hero|…] [--width N] [--height N]
    [--fit cover|contain|inside] [--gravity centre|north|…|smart|fp:x:y] [--format auto|avif|webp|jpeg|png]
  Prints a signed URL of the image transformed on the fly, and when it expires.`;

const options = {
  url: { type: 'string' },
  key: { type: 'string' },
  wait: { type: 'boolean' },
  status: { type: 'string' },
  limit: { type: 'string' },
  resumable: { type: 'boolean' },
  resume: { type: 'string' },
  preset: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  fit: { type: 'string' },
  gravity: { type: 'string' },
  format: { type: 'string' },
} as const;

async function uploadFile(
  client: FjordClient,
  file: string,
  opts: { resumable?: boolean; resume?: string },
): Promise<{ id: string; status: string }> {
  const { size } = await stat(file);
  if (!opts.resumable && !opts.resume && size <= RESUMABLE_THRESHOLD_BYTES) {
    const created = await client.uploadMedia({
      file: await readFile(file),
      filename: path.basename(file),
      idempotencyKey: `cli-${crypto.randomUUID()}`,
    });
    return created;
  }
  let lastPercent = -1;
  try {
    const { mediaId } = await client.uploadResumable(file, {
      uploadUrl: opts.resume,
      onUploadUrl: (url) => console.error(`${file}: resumable upload ${url}`),
      onProgress: (sent, total) => {
        const percent = Math.floor((sent / total) * 100);
        if (percent !== lastPercent && (percent % 10 === 0 || sent === total)) {
          console.error(`${file}: ${percent}% (${sent} of ${total} bytes)`);
          lastPercent = percent;
        }
      },
    });
    return { id: mediaId, status: 'QUEUED' };
  } catch (err) {
    if (err instanceof ResumableUploadError && err.uploadUrl) {
      throw new Error(`${err.message} Continue it with: fjord upload ${file} --resume ${err.uploadUrl}`, {
        cause: err,
      });
    }
    throw err;
  }
}

function clientFrom(values: { url?: string; key?: string }) {
  const config = getConfig();
  const apiKey = values.key ?? config.FJORD_API_KEY;
  if (!apiKey) throw new UsageError('Give an API key with --key or the FJORD_API_KEY environment variable.');
  return createFjordClient({ baseUrl: values.url ?? config.FJORD_PUBLIC_URL, apiKey });
}

const line = (m: Media) =>
  [m.id, m.status.padEnd(10), m.createdAt, m.originalName, m.error ? `— ${m.error}` : '']
    .join('  ')
    .trimEnd();

export async function runMediaCommand(
  command: 'upload' | 'status' | 'list' | 'reprocess' | 'image-url',
  args: string[],
): Promise<void> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const client = clientFrom(values);
  if (command === 'list') {
    const page = await client.listMedia({
      status: values.status as Media['status'] | undefined,
      limit: values.limit ? Number(values.limit) : undefined,
    });
    for (const m of page.items) console.log(line(m));
    if (page.nextCursor) console.log(`… more (cursor ${page.nextCursor})`);
    return;
  }
  if (positionals.length === 0)
    throw new UsageError(`Missing ${command === 'upload' ? 'file' : 'media id'}.`);
  if (command === 'image-url') {
    const { preset, width, height, fit, gravity, format } = values;
    const minted = await client.getImageUrl(positionals[0]!, {
      preset,
      width: width ? Number(width) : undefined,
      height: height ? Number(height) : undefined,
      fit: fit as 'cover' | 'contain' | 'inside' | undefined,
      gravity,
      format: format as 'auto' | 'avif' | 'webp' | 'jpeg' | 'png' | undefined,
    });
    console.log(`${minted.url}\n(expires ${minted.expiresAt})`);
    return;
  }
  for (const arg of positionals) {
    let id = arg;
    if (command === 'upload') {
      if (values.resume && positionals.length > 1)
        throw new UsageError('--resume continues one upload: give exactly one file.');
      const created = await uploadFile(client, arg, values);
      id = created.id;
      console.log(`${arg}: ${created.id} ${created.status}`);
      if (!values.wait) continue;
    } else if (command === 'reprocess') {
      const queued = await client.reprocess(id);
      console.log(`${id}: ${queued.status}`);
      if (!values.wait) continue;
    }
    const media = values.wait ? await client.waitUntilReady(id) : await client.getMedia(id);
    console.log(line(media));
    for (const stream of streamLines(media)) console.log(stream);
  }
}
