/** Runs once when the Next server starts (Next's instrumentation hook), before it handles requests. */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is set by Next itself, not configuration. The documented `if` form, so bundles for
  // other runtimes (edge: no signals, no sockets) drop the Node-only imports.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { guardForwardedForUnlessBehindProxy } = await import('./server/security/forwarded-for-guard');
    guardForwardedForUnlessBehindProxy();
    // Before the first request, so its span is real; off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
    const { startWebTracing } = await import('./server/web-tracing');
    startWebTracing();
    const { registerWebShutdown } = await import('./server/web-shutdown');
    registerWebShutdown();
  }
}
