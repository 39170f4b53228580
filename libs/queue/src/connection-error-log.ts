import type { QueueLogger } from './logger';

/** Used when a caller passes no logger: one JSON line on stderr, so an outage is never silent. */
export const stderrLogger: QueueLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => writeLine(40, obj, msg),
  error: (obj, msg) => writeLine(50, obj, msg),
};

function writeLine(level: number, obj: object, msg?: string) {
  const fields = Object.fromEntries(
    Object.entries(obj).map(([k, v]) => [k, v instanceof Error ? { message: v.message, name: v.name } : v]),
  );
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), ...fields, msg })}\n`);
}

/**
 * Connection errors, logged but rate-limited: ioredis reports every failed reconnect attempt, so an
 * outage would flood the log. The first error is logged at once, then at most one per `intervalMs`
 * with the count of those left out; the reconnect is logged with how long the connection was down.
 */
export function createConnectionErrorLog(
  logger: QueueLogger,
  context: Record<string, unknown>,
  opts: { message?: string; restoredMessage?: string; intervalMs?: number } = {},
) {
  const message = opts.message ?? 'redis connection error';
  const restoredMessage = opts.restoredMessage ?? 'redis connection restored';
  const intervalMs = opts.intervalMs ?? 30_000;
  let lastLoggedAt = 0;
  let suppressed = 0;
  let downSince: number | undefined;
  return {
    onError(err: unknown) {
      const now = Date.now();
      downSince ??= now;
      if (now - lastLoggedAt < intervalMs) {
        suppressed++;
        return;
      }
      logger.error({ err, ...context, suppressed }, message);
      lastLoggedAt = now;
      suppressed = 0;
    },
    onReady() {
      if (downSince === undefined) return;
      logger.warn({ ...context, downMs: Date.now() - downSince, suppressed }, restoredMessage);
      downSince = undefined;
      lastLoggedAt = 0;
      suppressed = 0;
    },
  };
}
