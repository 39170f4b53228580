import { describe, expect, it } from 'vitest';
import { StreamManifestSchema } from './contracts';
import { streamManifestOf } from './stream-manifest';

const track = {
  codecs: 'avc1.64001e',
  init: 'v360/init.mp4',
  segments: [{ uri: 'v360/seg-00001.m4s', duration: 2, bytes: 10 }],
};

describe('streamManifestOf', () => {
  it('names each measured peak and average bit rate as the track’s bandwidths, and parses', () => {
    const rung = {
      ...track,
      name: 'v360',
      width: 640,
      height: 360,
      frameRate: 30,
      peakBitrate: 900,
      averageBitrate: 700,
    };
    const audio = {
      ...track,
      name: 'audio',
      codecs: 'mp4a.40.2',
      init: 'audio/init.mp4',
      segments: [{ uri: 'audio/seg-00001.m4s', duration: 2, bytes: 5 }],
      channels: 2,
      sampleRate: 48_000,
      peakBitrate: 130,
      averageBitrate: 128,
    };
    const manifest = streamManifestOf({ gopSeconds: 2, rungs: [rung], audio }, 4000);
    expect(StreamManifestSchema.parse(manifest)).toEqual(manifest);
    expect(manifest.rungs[0]).toMatchObject({ bandwidth: 900, averageBandwidth: 700 });
    expect(manifest.rungs[0]).not.toHaveProperty('peakBitrate');
    expect(manifest.audio).toMatchObject({ bandwidth: 130, averageBandwidth: 128 });
    expect(streamManifestOf({ gopSeconds: 2, rungs: [rung], audio: null }, 4000).audio).toBeNull();
  });
});
