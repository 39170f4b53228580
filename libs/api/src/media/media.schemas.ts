import { z } from 'zod';

export const MediaByIdInputSchema = z.object({ id: z.string().min(1).max(100) });

export const ListMediaInputSchema = z
  .object({
    cursor: z.string().max(200).nullish(),
    limit: z.number().int().min(1).max(50).default(24),
  })
  .default({ limit: 24 });
export type ListMediaInput = z.infer<typeof ListMediaInputSchema>;

export const MediaStatusInputSchema = z.object({
  id: z.string().min(1).max(100),
  lastEventId: z.string().nullish(),
});
