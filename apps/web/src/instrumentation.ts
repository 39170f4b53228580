/** Next calls this once per server process at start: the place for process-wide hooks. */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is set by Next itself (nodejs or edge), not configuration; the edge runtime has no signals.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { registerWebShutdown } = await import('./server/web-shutdown');
  registerWebShutdown();
}
