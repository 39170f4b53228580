import type { StreamAudioTrack, StreamManifest, StreamVideoTrack } from './contracts';

type Measured = { peakBitrate: number; averageBitrate: number };
type Rendered<T> = Omit<T, 'bandwidth' | 'averageBandwidth'> & Measured;

function track<T extends Measured>({ peakBitrate, averageBitrate, ...rest }: T) {
  return { ...rest, bandwidth: peakBitrate, averageBandwidth: averageBitrate };
}

/**
 * The StreamManifest of a rendered CMAF ladder (renderCmafLadder's rungs and audio): each track's
 * measured peak and average bit rates as its bandwidths, video-only (the HLS master adds the audio's).
 */
export function streamManifestOf(
  ladder: {
    gopSeconds: number;
    rungs: Rendered<StreamVideoTrack>[];
    audio: Rendered<StreamAudioTrack> | null;
  },
  durationMs: number,
): StreamManifest {
  return {
    v: 1,
    durationMs,
    gopSeconds: ladder.gopSeconds,
    rungs: ladder.rungs.map(track),
    audio: ladder.audio ? track(ladder.audio) : null,
  };
}
