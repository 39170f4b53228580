export { createDbClient, isDatabaseReachable, type DbClient } from './client';
export * from './generated/prisma/enums';
export { Prisma } from './generated/prisma/client';
export type * from './generated/prisma/models';
// Migrations read files from disk: they live behind '@fjord/db/migrate' so the web bundle never traces them.
export { countVideoMinutes } from './video-minutes';
export {
  MEDIA_TRANSITIONS,
  UNFINISHED_MEDIA_STATUSES,
  canTransitionMedia,
  transitionMedia,
  type MediaTransition,
} from './media-status';
