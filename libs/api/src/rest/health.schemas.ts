import { z } from 'zod';

/** `/api/health/live` and `/api/health/ready`: what an orchestrator's probe reads. */
export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z
      .object({ db: z.enum(['ok', 'down']), redis: z.enum(['ok', 'down']) })
      .optional()
      .meta({ description: 'ready only: whether Postgres and Redis answered within 2 s.' }),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof HealthSchema>;
