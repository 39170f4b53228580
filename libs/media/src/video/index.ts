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
export {
  renderStoryboard,
  storyboardLayout,
  storyboardVtt,
  STORYBOARD_MAX_TILES,
  type RenderedStoryboard,
  type StoryboardLayout,
} from './render-storyboard.service';
