import { getConfig } from '@fjord/config';
import { startTracing } from '@fjord/observability';

/** Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (ADR 0022); web-shutdown flushes it last. */
export function startWebTracing(): void {
  startTracing(getConfig(), { service: 'web' });
}
