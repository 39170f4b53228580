import { initTRPC, TRPCError } from '@trpc/server';
import { isAppError } from '@fjord/errors';
import { z, ZodError } from 'zod';
import { appErrorOf, applyAppErrorHeaders, toTRPCError } from './app-error.mapper';
import type { ApiContext } from './context';
import { writeAudit, type AuditEntry } from './admin/audit-log.service';

const t = initTRPC.context<ApiContext>().create({
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 30_000 },
  },
  errorFormatter({ shape, error }) {
    const appError = isAppError(error.cause) ? error.cause : undefined;
    const zodError = error.cause instanceof ZodError ? error.cause : undefined;
    const isUnexpected = error.code === 'INTERNAL_SERVER_ERROR' && !appError;
    let message = shape.message;
    // Unexpected failures keep their details in the server log, not in the response.
    if (isUnexpected) message = 'Something went wrong on our side. Please try again.';
    else if (zodError)
      message = zodError.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return {
      ...shape,
      message,
      data: {
        ...shape.data,
        appCode: appError?.code ?? null,
        fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : null,
      },
    };
  },
});

const mapAppErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  const appError = result.ok ? undefined : appErrorOf(result.error.cause);
  if (appError) {
    applyAppErrorHeaders(appError, ctx.resHeaders);
    throw toTRPCError(appError);
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapAppErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in to continue.' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'ADMIN') throw new TRPCError({ code: 'FORBIDDEN', message: 'Administrators only.' });
  const actorId = ctx.user.id;
  // Every admin action lands in the audit log with its actor; procedures only say what and to which target.
  const audit = (entry: Omit<AuditEntry, 'actorId'>) => writeAudit(ctx.services.db, { ...entry, actorId });
  return next({ ctx: { ...ctx, audit } });
});
