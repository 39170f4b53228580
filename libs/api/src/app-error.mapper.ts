import { TRPCError } from '@trpc/server';
import type { AppErrorCode } from '@fjord/errors';
import { AppError } from '@fjord/errors';

type TRPCCode = TRPCError['code'];

const trpcCodeByAppCode: Record<AppErrorCode, TRPCCode> = {
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  bad_request: 'BAD_REQUEST',
  unsupported_type: 'BAD_REQUEST',
  too_large: 'PAYLOAD_TOO_LARGE',
  digest_mismatch: 'BAD_REQUEST',
  conflict: 'CONFLICT',
  unprocessable: 'UNPROCESSABLE_CONTENT',
  rate_limited: 'TOO_MANY_REQUESTS',
  internal: 'INTERNAL_SERVER_ERROR',
  // tRPC has no 507; the web handler sets it from the appCode (trpc-handler.ts responseMeta).
  storage_full: 'SERVICE_UNAVAILABLE',
};

/** The one place an AppError becomes a TRPCError; the stable code rides along as the cause. */
export function toTRPCError(err: AppError): TRPCError {
  return new TRPCError({ code: trpcCodeByAppCode[err.code], message: err.message, cause: err });
}
