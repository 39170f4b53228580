import { isInfrastructureError } from '@fjord/errors';
import { describe, expect, it } from 'vitest';
import { childCpuMs, starvedChildError } from './child-cpu';
import { decodeToPng } from './decoder-child';
import { isMediaProcessingError } from './media-processing.error';

/** decodeToPng with `argv` as the decoder (real processes under the same prlimit as heif-convert/djxl). */
const decodeWith = (argv: string[], timeoutMs: number) =>
  decodeToPng(Buffer.from('not read'), {
    what: 'TEST',
    ext: 'bin',
    pixels: 1_000_000,
    timeoutMs,
    command: () => argv,
  }).catch((err: unknown) => err);

describe('a decoder child past its time limit', () => {
  it('is retried when it was waiting, not computing (a busy machine is not a bad file)', async () => {
    const err = await decodeWith(['sleep', '5'], 400);
    expect(isMediaProcessingError(err)).toBe(true);
    expect(err).toMatchObject({ kind: 'unknown', isPermanent: false });
    expect((err as Error).message).toMatch(
      /too busy to decode the TEST image within 0 s; it will be retried/,
    );
  });

  it('is too large when it computed for the time it was given (its CPU limit or the timer, whichever first)', async () => {
    // Eight threads compressing an endless input, so even a busy machine gives it more than half a core:
    // its CPU time (every thread) passes half the limit, usually the CPU rlimit before the wall-clock
    // timer; starvedChildError's own test below covers the timer's decision. (xz: Debian's xz-utils, which
    // dpkg itself needs.)
    const err = await decodeWith(['xz', '-T8', '-1', '-c', '/dev/zero'], 2000);
    expect(err).toMatchObject({ kind: 'too_large', isPermanent: true });
    expect(isInfrastructureError(err)).toBe(false);
    expect((err as Error).message).toMatch(/Decoding the TEST image took longer than 2 s/);
  });
});

describe('childCpuMs', () => {
  it('reads a live process’s CPU time, and says nothing for one that is gone', () => {
    const before = childCpuMs(process.pid)!;
    // Burn 100 ms of this process's own CPU time (not wall time: the machine may be busy), at most 10 s.
    const start = process.cpuUsage();
    const giveUp = Date.now() + 10_000;
    while (process.cpuUsage(start).user < 100_000 && Date.now() < giveUp);
    expect(childCpuMs(process.pid)).toBeGreaterThanOrEqual(before + 50);
    expect(childCpuMs(2 ** 22 + 1)).toBeUndefined();
    expect(childCpuMs(undefined)).toBeUndefined();
  });
});

describe('starvedChildError', () => {
  const at = (cpuMs: number | undefined) => starvedChildError({ cpuMs, timeoutMs: 1000, sentence: 'busy' });
  it('is a retry under half the limit in CPU time, and too large (null) at half or more, or unknown', () => {
    expect(at(499)).toMatchObject({ kind: 'unknown', isPermanent: false, message: 'busy' });
    expect(isInfrastructureError(at(0))).toBe(true);
    expect([at(500), at(3000), at(undefined)]).toEqual([null, null, null]);
  });
});
