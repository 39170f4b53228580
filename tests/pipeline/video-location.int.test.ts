import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

const run = promisify(execFile);

const OSLO = '+59.9139+010.7522/';
const TRONDHEIM = '+63.4305+010.3951+012.000/';
const TAKEN = '2019-06-01T12:34:56Z';

/**
 * The three ways a phone or camera puts where and when into a video, each made by Debian's ffmpeg:
 * QuickTime's `©xyz` user-data atom (MOV), Apple's `mdta` keys (com.apple.quicktime.location.ISO6709 and
 * .creationdate), and MP4's 3GPP `loci` box — each with creation_time on the file and on every track.
 * It can fail: with `-map_metadata -1` taken out of the MP4 variant's ffmpeg run, the loci case reported
 * `r/1/v360-mp4.s1.mp4: bytes "loci"` and `tag format.location=+59.9139+010.7522/` (measured before ADR 0026:
 * the download MP4 is now a stream copy of the ladder's files, whose ffmpeg run drops metadata the same way).
 */
const FIXTURES = {
  'xyz.mov': ['-metadata', `location=${OSLO}`],
  'keys.mov': [
    ...['-movflags', 'use_metadata_tags'],
    ...['-metadata', `com.apple.quicktime.location.ISO6709=${TRONDHEIM}`],
    ...['-metadata', 'com.apple.quicktime.creationdate=2019-06-01T12:34:56+0200'],
  ],
  'loci.mp4': ['-metadata', `location=${OSLO}`, '-metadata', `location-eng=${OSLO}`],
} satisfies Record<string, string[]>;

async function locatedVideo(name: keyof typeof FIXTURES, dir: string): Promise<Buffer> {
  const file = path.join(dir, name);
  await run('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=2'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
    ...['-metadata', `creation_time=${TAKEN}`],
    ...['-metadata:s:v', `creation_time=${TAKEN}`, '-metadata:s:a', `creation_time=${TAKEN}`],
    ...FIXTURES[name],
    file,
  ]);
  return readFile(file);
}

/** ffprobe's format and stream tags of a file (`{}` for a file ffprobe does not read, e.g. a VTT). */
async function tagsOf(file: string): Promise<Record<string, string>> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
  ]).catch(() => ({ stdout: '{}' }));
  const probe = JSON.parse(stdout) as {
    format?: { tags?: Record<string, string> };
    streams?: { index: number; tags?: Record<string, string> }[];
  };
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(probe.format?.tags ?? {})) tags[`format.${k}`] = v;
  for (const s of probe.streams ?? [])
    for (const [k, v] of Object.entries(s.tags ?? {})) tags[`stream${s.index}.${k}`] = v;
  return tags;
}

/** What must appear nowhere: the coordinates as text, the atoms and keys that carry them, the date. */
const NEEDLES = [
  OSLO.slice(0, 8),
  TRONDHEIM.slice(0, 8),
  '\u00a9xyz',
  'loci',
  'com.apple.quicktime',
  '2019-06-01',
  '2019:06:01',
].map((s) => Buffer.from(s, 'latin1'));
const LEAKY_TAG = /location|xyz|iso6709|creation|date|gps|com\.apple/i;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('video location metadata: no rendition, poster, preview, storyboard or CMAF file keeps it', () => {
  let p: Pipeline;
  let owner: { id: string };
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fjord-located-'));
    p = await startPipeline('video-location', { TRANSCODE_CONCURRENCY: '2', FFMPEG_THREADS: '1' });
    owner = await createTestUser(p.db);
    await Promise.all([p.startWorker('transcode'), p.startWorker('db')]);
  }, 180_000);
  afterAll(async () => {
    await p?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(FIXTURES) as (keyof typeof FIXTURES)[])(
    '%s: the fixture carries place and time; nothing derived from it does',
    async (name) => {
      const body = await locatedVideo(name, dir);
      // The fixture really has them (else the test could not fail).
      const sourceFile = path.join(dir, name);
      const sourceTags = await tagsOf(sourceFile);
      expect(Object.keys(sourceTags).filter((k) => LEAKY_TAG.test(k)).length).toBeGreaterThanOrEqual(3);
      expect(NEEDLES.some((n) => body.includes(n))).toBe(true);

      const media = await p.ingest.ingestUpload({ ownerId: owner.id, filename: name, body });
      const done = await p.waitForStatus(media.id, ['READY', 'FAILED'], 120_000);
      expect(done.status).toBe('READY');

      const mediaDir = path.dirname(p.storage.localPath!(`media/${media.id}/x`));
      const files = (await filesUnder(mediaDir)).filter((f) => !path.basename(f).startsWith('original.'));
      const names = files.map((f) => path.relative(mediaDir, f));
      // Every kind of derived file is here: MP4 rendition, poster, preview, storyboard, CMAF init + segments.
      for (const kind of [
        /download\.mp4$/,
        /poster/,
        /preview/,
        /storyboard/,
        /init\.mp4$/,
        /seg-\d+\.m4s$/,
      ])
        expect(
          names.some((n) => kind.test(n)),
          `${kind} among ${names.join(', ')}`,
        ).toBe(true);

      const leaks: string[] = [];
      for (const file of files) {
        const rel = path.relative(mediaDir, file);
        const bytes = await readFile(file);
        for (const n of NEEDLES) if (bytes.includes(n)) leaks.push(`${rel}: bytes "${n.toString('latin1')}"`);
        for (const [k, v] of Object.entries(await tagsOf(file)))
          if (LEAKY_TAG.test(k)) leaks.push(`${rel}: tag ${k}=${v}`);
      }
      expect(leaks, leaks.join('\n')).toEqual([]);
    },
    150_000,
  );
});
