import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getConfig } from '@fjord/config';
import { createFjordClient, type Media } from '@fjord/sdk';
import { UsageError } from '../cli-context';

const COMMON = '[--url <Fjord URL>] [--key <API key> | env FJORD_API_KEY]';
export const mediaHelp = `fjord upload <file…> ${COMMON} [--wait]
  Uploads images through the REST API (each with an Idempotency-Key); --wait waits until each is READY or FAILED.
fjord status <media id> ${COMMON} [--wait]
fjord list ${COMMON} [--status READY|FAILED|…] [--limit N]
fjord reprocess <media id…> ${COMMON} [--wait]
  Runs finished media through processing again (refused while it is still being processed).`;

const options = {
  url: { type: 'string' },
  key: { type: 'string' },
  wait: { type: 'boolean' },
  status: { type: 'string' },
  limit: { type: 'string' },
} as const;

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
  command: 'upload' | 'status' | 'list' | 'reprocess',
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
  for (const arg of positionals) {
    let id = arg;
    if (command === 'upload') {
      const bytes = await readFile(arg);
      const created = await client.uploadMedia({
        file: bytes,
        filename: path.basename(arg),
        idempotencyKey: `cli-${crypto.randomUUID()}`,
      });
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
  }
}
