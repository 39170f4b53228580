export type TranscodeParallelism = {
  /** Transcode jobs one worker process runs at once (BullMQ concurrency). */
  transcodeConcurrency: number;
  /** libvips threads per sharp call. */
  sharpConcurrency: number;
  /** Threads per ffmpeg run (decode, filters, x264). */
  ffmpegThreads: number;
};

/**
 * How worker-transcode fills the machine unless TRANSCODE_CONCURRENCY / SHARP_CONCURRENCY /
 * FFMPEG_THREADS say otherwise (docs/performance.md, "Saturating the cores"):
 *
 * - jobs = cores + 1. A job is not all encoding: it reads Postgres, fsyncs its output, writes Redis and
 *   hands over to BullMQ. With exactly one job per core a core idles through each of those waits; one
 *   job more keeps every core encoding while some job writes (the next job starts while the last writes).
 * - libvips threads = max(1, ⌊cores ÷ jobs⌋): whole images in parallel beat threads inside one image
 *   (bench/image-variants.bench.ts), so threads only fill cores that jobs cannot (jobs set low by hand).
 * - ffmpeg threads = the cores (at most 16, where x264's gains flatten). One video's jobs are unequal: the
 *   ladder (one decode feeding every rung) runs far longer than the poster, preview and storyboard, and a
 *   ladder on one thread held a single core while the other idled (video-ladder row, docs/performance.md).
 *   While several jobs run the threads share the cores; ffmpeg's threads wait on each other often enough
 *   that this costs little, and the ladder alone at the end gets the whole machine.
 *
 * An explicit setting always wins; the others are derived from it.
 */
/** Beyond this, more x264/decoder threads gain little and cost memory; set FFMPEG_THREADS to go higher. */
const MAX_DERIVED_FFMPEG_THREADS = 16;

export function deriveTranscodeParallelism(input: {
  cores: number;
  transcodeConcurrency?: number;
  sharpConcurrency?: number;
  ffmpegThreads?: number;
}): TranscodeParallelism {
  const cores = Math.max(1, Math.floor(input.cores));
  const transcodeConcurrency = input.transcodeConcurrency ?? cores + 1;
  const share = Math.max(1, Math.floor(cores / transcodeConcurrency));
  return {
    transcodeConcurrency,
    sharpConcurrency: input.sharpConcurrency ?? share,
    ffmpegThreads: input.ffmpegThreads ?? Math.min(cores, MAX_DERIVED_FFMPEG_THREADS),
  };
}
