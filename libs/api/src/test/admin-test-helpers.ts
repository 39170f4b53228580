import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { createTestUser, TEST_PASSWORD } from '@fjord/testing';
import { cookieFrom, type createApiHarness } from './api-test-harness';

type Harness = Awaited<ReturnType<typeof createApiHarness>>;

/** A signed-in caller for a fresh user with `role`. */
export async function signedInWithRole(h: Harness, role: 'USER' | 'ADMIN') {
  const user = await createTestUser(h.db, { role });
  const anon = await h.callerFor();
  await anon.caller.auth.signIn({ email: user.email, password: TEST_PASSWORD });
  const cookie = cookieFrom(anon.resHeaders);
  return { user, cookie, ...(await h.callerFor(cookie)) };
}

export async function expectTRPCError(promise: Promise<unknown>, code: TRPCError['code'], message?: RegExp) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  if (message) expect((err as TRPCError).message).toMatch(message);
}
