import { AdminQueueNameSchema, JobStateSchema, MAX_JOB_PAGE_SIZE } from '@fjord/queue';
import { z } from 'zod';

export const JobIdInputSchema = z.object({ id: z.string().min(1).max(200) });
export const QueueInputSchema = z.object({ queue: AdminQueueNameSchema });

export const ListJobsInputSchema = z.object({
  queue: AdminQueueNameSchema,
  state: JobStateSchema,
  page: z.number().int().min(0).max(100_000).default(0),
  pageSize: z.number().int().min(1).max(MAX_JOB_PAGE_SIZE).default(25),
});

/** A job id, a media id or an owner's email. */
export const SearchJobsInputSchema = z.object({ q: z.string().trim().min(1).max(200) });

export const CleanQueueInputSchema = z.object({
  queue: AdminQueueNameSchema,
  state: z.enum(['completed', 'failed']),
  /** Only jobs that finished more than this many minutes ago. */
  olderThanMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 365),
});

export const MediaStatusFilterSchema = z.enum(['UPLOADED', 'QUEUED', 'PROCESSING', 'READY', 'FAILED']);
export const ListAllMediaInputSchema = z.object({
  status: MediaStatusFilterSchema.optional(),
  ownerEmail: z.string().trim().max(320).optional(),
  mediaId: z.uuid().optional(),
  page: z.number().int().min(0).max(100_000).default(0),
  pageSize: z.number().int().min(1).max(100).default(25),
});
export const MediaIdInputSchema = z.object({ id: z.uuid() });

export const UserIdInputSchema = z.object({ id: z.uuid() });
export const SetRoleInputSchema = z.object({ id: z.uuid(), role: z.enum(['USER', 'ADMIN']) });
export const SetDisabledInputSchema = z.object({ id: z.uuid(), isDisabled: z.boolean() });
export const ListUsersInputSchema = z.object({
  q: z.string().trim().max(320).optional(),
  page: z.number().int().min(0).max(100_000).default(0),
  pageSize: z.number().int().min(1).max(100).default(50),
});
export const AuditInputSchema = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  targetId: z.string().max(200).optional(),
});
