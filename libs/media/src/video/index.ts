export * from './video.types';
export { probeVideo, toVideoInfo, normalizeRotation, parseFrameRate } from './probe-video.service';
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
  CMAF_RUNGS,
  CMAF_AUDIO,
  CMAF_GOP_SECONDS,
  CMAF_SEGMENT_SECONDS,
  planCmafRungs,
  ladderFrameRate,
  cmafOutputArgs,
  parseMuxerPlaylist,
  avcCodecString,
  type CmafRungSpec,
  type PlannedRung,
} from './cmaf-ladder';
export { renderCmafLadder, type RenderedCmafLadder, type CmafTrackFiles } from './render-cmaf-ladder.service';
export { DOWNLOAD_MP4_FILE, remuxDownloadMp4 } from './remux-download-mp4.service';
export {
  renderStoryboard,
  storyboardLayout,
  storyboardVtt,
  STORYBOARD_MAX_TILES,
  type RenderedStoryboard,
  type StoryboardLayout,
} from './render-storyboard.service';
export {
  DEFAULT_ANIMATED_MP4_MIN_FRAMES,
  renderAnimatedMp4,
  shouldRenderAnimatedMp4,
} from './render-animated-mp4.service';
