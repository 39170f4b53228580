import { fork, spawn } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { IMAGE_VARIANTS, classifyJobFailure } from '@fjord/queue';
import { createPhotoLikeJpeg, truncateFixture } from '@fjord/media/testing';
import {
  CRASHING_FILE_MESSAGE,
  ISOLATED_RENDER_FLAG,
  renderAll,
  renderInIsolation,
  type SpawnRenderChild,
} from './isolated-render';

// The real entrypoint in its child mode, as spawnSelf starts it in production (there: process.argv[1]).
const spawnEntrypoint: SpawnRenderChild = () =>
  fork('apps/worker-transcode/src/main.ts', [ISOLATED_RENDER_FLAG], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

// A process that dies by a signal the moment it is handed the job, as a decoder crashing on a file would.
const spawnSegfaulting: SpawnRenderChild = () =>
  spawn(process.execPath, ['-e', "process.on('message', () => process.kill(process.pid, 'SIGSEGV'))"], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

const thumb = IMAGE_VARIANTS.find((v) => v.format === 'webp' && v.maxWidth <= 400)!;

describe('renderInIsolation (a suspect job rendered in a child process: ADR 0025)', () => {
  it('renders in the worker entrypoint started in child mode, bytes and sizes as in-process', async () => {
    const photo = await createPhotoLikeJpeg({ width: 1200, height: 800 });
    const { rendered, placeholder } = await renderInIsolation(
      { input: photo, variant: thumb, avifEffort: 2, withPlaceholder: true },
      { spawnChild: spawnEntrypoint },
    );
    expect(Buffer.isBuffer(rendered.data)).toBe(true);
    const meta = await sharp(rendered.data).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, rendered.width]).toEqual([thumb.maxWidth, thumb.maxWidth]);
    expect([rendered.sourceWidth, rendered.sourceHeight]).toEqual([1200, 800]);
    expect(placeholder?.color).toMatch(/^#[0-9a-f]{6}$/);
  }, 120_000);

  it("gives back the child's own error with its classification (a corrupt file stays an input failure)", async () => {
    const corrupt = truncateFixture(await createPhotoLikeJpeg({ width: 800, height: 600 }), 0.4);
    const err = await renderInIsolation(
      { input: corrupt, variant: thumb, avifEffort: 2, withPlaceholder: false },
      { spawnChild: spawnEntrypoint },
    ).catch((e: unknown) => e);
    const failure = classifyJobFailure(err);
    expect(failure.kind).toBe('input');
    expect(failure.message).toMatch(/corrupt|truncated/i);
  }, 120_000);

  it('convicts the file when the child dies by a signal twice: a permanent failure a person can read', async () => {
    const crashes: string[] = [];
    const err = await renderInIsolation(
      { input: Buffer.from('irrelevant'), variant: thumb, avifEffort: 2, withPlaceholder: false },
      { spawnChild: spawnSegfaulting, onCrash: (how) => crashes.push(how) },
    ).catch((e: unknown) => e);
    expect(crashes).toHaveLength(2);
    expect(crashes[0]).toMatch(/SIGSEGV/);
    expect(classifyJobFailure(err)).toMatchObject({ kind: 'input', message: CRASHING_FILE_MESSAGE });
  }, 60_000);

  it('hashes only when asked: the other variants of an image skip the placeholder decode', async () => {
    const photo = await createPhotoLikeJpeg({ width: 900, height: 600 });
    const request = { input: photo, variant: thumb, avifEffort: 2 };
    const without = await renderAll({ ...request, withPlaceholder: false });
    const withIt = await renderAll({ ...request, withPlaceholder: true });
    expect(without.placeholder).toBeUndefined();
    expect(withIt.placeholder?.thumbhash.length).toBeGreaterThan(10);
    expect(without.rendered.data.equals(withIt.rendered.data)).toBe(true);
  }, 60_000);
});
