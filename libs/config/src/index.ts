export { EnvSchema, type Env } from './config.schema';
export { parseConfig, getConfig, type Config, type S3Config } from './config';
export { deriveTranscodeParallelism, type TranscodeParallelism } from './transcode-parallelism';
export { DEFAULT_IMAGE_PRESETS } from './image-presets';
