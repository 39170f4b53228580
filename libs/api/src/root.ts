import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { adminRouter } from './admin/admin.router';
import { apiKeysRouter } from './api-keys/api-keys.router';
import { authRouter } from './auth/auth.router';
import { captionsRouter } from './captions/captions.router';
import { mediaRouter } from './media/media.router';
import { webhooksRouter } from './webhooks/webhooks.router';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  media: mediaRouter,
  captions: captionsRouter,
  admin: adminRouter,
  apiKeys: apiKeysRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Server-side calls (server components, tests) with a context from createContext. */
export const createCaller = createCallerFactory(appRouter);
