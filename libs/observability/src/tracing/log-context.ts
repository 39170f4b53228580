import { AsyncLocalStorage } from 'node:async_hooks';
import { activeSpanIds } from './tracing';

/** What a log line says about the work it belongs to, beside the trace ids. */
export type LogFields = { mediaId?: string; jobId?: string };

const fields = new AsyncLocalStorage<LogFields>();

/**
 * Every log line written inside `fn` (however deep, across awaits) carries these fields: a job's
 * jobId and mediaId, an upload's mediaId. Independent of tracing, so they are there with OTEL off.
 */
export function withLogFields<T>(add: LogFields, fn: () => T): T {
  const merged = { ...fields.getStore() };
  for (const [key, value] of Object.entries(add)) {
    if (typeof value === 'string' && value) merged[key as keyof LogFields] = value;
  }
  return fields.run(merged, fn);
}

/** pino's mixin: the active span's traceId/spanId and the fields of `withLogFields`. */
export function logContextMixin(): Record<string, string> {
  return { ...fields.getStore(), ...activeSpanIds() };
}
