import { describe, expect, it } from 'vitest';
import type { VideoInfo } from '@fjord/media';
import { createVideoProbeCache } from './video-probe-cache';

const info = { width: 1920, height: 1080 } as VideoInfo;

function counting(result: () => Promise<VideoInfo>) {
  const calls: string[] = [];
  return { calls, probe: (path: string) => (calls.push(path), result()) };
}

describe('createVideoProbeCache', () => {
  it('probes an original once for all the children that ask, in flight or later', async () => {
    const { calls, probe } = counting(() => Promise.resolve(info));
    const probeOriginal = createVideoProbeCache({ probe });
    const first = await Promise.all([
      probeOriginal('media/a/original', '/tmp/a-1'),
      probeOriginal('media/a/original', '/tmp/a-2'),
    ]);
    expect(await probeOriginal('media/a/original', '/tmp/a-3')).toBe(info);
    expect(first).toEqual([info, info]);
    expect(calls).toEqual(['/tmp/a-1']);
    await probeOriginal('media/b/original', '/tmp/b');
    expect(calls).toEqual(['/tmp/a-1', '/tmp/b']);
  });

  it('never keeps a failure: the retry probes again', async () => {
    let fail = true;
    const { calls, probe } = counting(() =>
      fail ? Promise.reject(new Error('ffprobe timed out')) : Promise.resolve(info),
    );
    const probeOriginal = createVideoProbeCache({ probe });
    await expect(probeOriginal('k', '/tmp/x')).rejects.toThrow('ffprobe timed out');
    fail = false;
    await expect(probeOriginal('k', '/tmp/x')).resolves.toBe(info);
    expect(calls).toHaveLength(2);
  });

  it('forgets a success after its time to live, and the oldest entry past the bound', async () => {
    let now = 0;
    const { calls, probe } = counting(() => Promise.resolve(info));
    const probeOriginal = createVideoProbeCache({ probe, ttlMs: 1000, maxEntries: 2, now: () => now });
    await probeOriginal('a', '/a');
    now = 999;
    await probeOriginal('a', '/a');
    expect(calls).toEqual(['/a']);
    now = 1000;
    await probeOriginal('a', '/a');
    await probeOriginal('b', '/b');
    await probeOriginal('c', '/c'); // evicts a
    await probeOriginal('b', '/b');
    await probeOriginal('a', '/a');
    expect(calls).toEqual(['/a', '/a', '/b', '/c', '/a']);
  });
});
