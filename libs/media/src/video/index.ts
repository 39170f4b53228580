export * from './video.types';
export { probeVideo, toVideoInfo, normalizeRotation } from './probe-video.service';
export {
  runFfmpeg,
  parseFfmpegProgress,
  classifyFfmpegError,
  FfmpegAbortedError,
} from './run-ffmpeg.service';
export {
  renderVideoVariant,
  fitShortSide,
  shouldRenderVariant,
  posterTimeSeconds,
} from './render-video-variant.service';
