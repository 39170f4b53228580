import type { TRPCRouterRecord } from '@trpc/server';
import { WEBHOOK_EVENTS } from '@fjord/queue';
import { createWebhookService } from '@fjord/webhooks';
import { z } from 'zod';
import { authedProcedure } from '../trpc';

const service = (ctx: { services: Parameters<typeof createWebhookService>[0] }) =>
  createWebhookService(ctx.services);

/** The settings page's view of the user's webhooks: the same service the REST API uses. */
export const webhooksRouter = {
  list: authedProcedure.query(async ({ ctx }) =>
    (await service(ctx).listEndpoints(ctx.user.id)).map((e) => ({
      ...e,
      createdAt: e.createdAt.toISOString(),
    })),
  ),
  create: authedProcedure
    .input(z.strictObject({ url: z.url().max(2000), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1) }))
    .mutation(async ({ ctx, input }) => {
      const { endpoint, secret } = await service(ctx).createEndpoint({ userId: ctx.user.id, ...input });
      return { id: endpoint.id, url: endpoint.url, secret };
    }),
  remove: authedProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => service(ctx).deleteEndpoint(ctx.user.id, input.id)),
  deliveries: authedProcedure.input(z.strictObject({ id: z.uuid() })).query(async ({ ctx, input }) =>
    (await service(ctx).listDeliveries(ctx.user.id, input.id)).map((d) => ({
      id: d.id,
      event: d.event,
      status: d.status,
      attempts: d.attempts,
      createdAt: d.createdAt.toISOString(),
      lastStatusCode: d.log.at(-1)?.statusCode ?? null,
      lastDurationMs: d.log.at(-1)?.durationMs ?? null,
      lastError: d.log.at(-1)?.error ?? null,
    })),
  ),
  redeliver: authedProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => service(ctx).redeliver(ctx.user.id, input.id)),
} satisfies TRPCRouterRecord;
