export type WaitForOptions = { timeoutMs?: number; intervalMs?: number; message?: string };

/**
 * Polls fn until it returns something other than undefined/null/false, and returns that. Errors thrown
 * by fn count as "not yet"; the last one is reported if time runs out.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 10_000, intervalMs = 50, message }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms${message ? ` (${message})` : ''}${reason}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
