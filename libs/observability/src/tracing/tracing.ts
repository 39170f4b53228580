import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Config } from '@fjord/config';

export { SpanKind, type Span } from '@opentelemetry/api';

export type TracingConfig = Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_TRACES_SAMPLE_RATIO'> &
  Partial<Pick<Config, 'FJORD_VERSION'>>;

export type Tracing = {
  /** False when OTEL_EXPORTER_OTLP_ENDPOINT is unset: no provider, no exporter, no socket. */
  enabled: boolean;
  /** Exports what is buffered (a test waiting for its spans). */
  flush(): Promise<void>;
  /** Ends the exporter after flushing; call last on shutdown. Idempotent. */
  shutdown(): Promise<void>;
};

/** The job data / header fields that carry a trace across a process boundary (W3C Trace Context). */
export type TraceCarrier = { traceparent?: string; tracestate?: string };

const TRACER = 'fjord';
const disabled: Tracing = { enabled: false, flush: async () => {}, shutdown: async () => {} };
// On globalThis like the OTel API's own registry: Next loads a lib once per route bundle, and every
// copy must see the one provider this process started.
const holder = globalThis as { __fjordTracing?: Tracing };

/**
 * Installs the process-wide tracer provider, context manager and W3C propagator, once, when an OTLP
 * endpoint is configured (or a test passes its own span processor). Unset, nothing is installed: the
 * API's no-op tracer makes every span below free and no connection is ever attempted.
 */
export function startTracing(
  config: TracingConfig,
  opts: { service: string; spanProcessor?: SpanProcessor },
): Tracing {
  if (holder.__fjordTracing) return holder.__fjordTracing;
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint && !opts.spanProcessor) return disabled;
  const processor =
    opts.spanProcessor ??
    new BatchSpanProcessor({
      // JSON over HTTP (the exporter's own encoding); the per-signal path as the OTLP spec builds it.
      exporter: new OTLPTraceExporter({ url: `${endpoint!.replace(/\/+$/, '')}/v1/traces` }),
      scheduledDelayMillis: 1_000,
    });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: opts.service,
      ...(config.FJORD_VERSION ? { [ATTR_SERVICE_VERSION]: config.FJORD_VERSION } : {}),
    }),
    // The upload request decides; every job, query and send follows its parent's decision.
    // A remote parent (a client's traceparent, or the one in job data) gets the same ratio decision as a
    // root: deterministic per trace id, so every process of one upload agrees, and a client's sampled flag
    // cannot force tracing past OTEL_TRACES_SAMPLE_RATIO.
    sampler: (() => {
      const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLE_RATIO);
      return new ParentBasedSampler({
        root: ratio,
        remoteParentSampled: ratio,
        remoteParentNotSampled: ratio,
      });
    })(),
    spanProcessors: [processor],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  let stopping: Promise<void> | undefined;
  const started: Tracing = {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: () =>
      (stopping ??= provider.shutdown().then(() => {
        trace.disable();
        propagation.disable();
        context.disable();
        holder.__fjordTracing = undefined;
      })),
  };
  holder.__fjordTracing = started;
  return started;
}

/** Flushes and ends this process's tracing, if started (the web app's shutdown, which did not keep it). */
export async function stopTracing(): Promise<void> {
  await holder.__fjordTracing?.shutdown();
}

export function isTracingEnabled(): boolean {
  return holder.__fjordTracing?.enabled ?? false;
}

export type SpanOptions = {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent when it is not the active context (a job's traceparent, a request's headers). */
  parent?: Context;
  links?: Link[];
};

/**
 * Runs `fn` inside a new active span: a throw is recorded on it (status ERROR) and rethrown, the span
 * always ends. With tracing off the span is the API's no-op one.
 */
export async function withSpan<T>(
  name: string,
  opts: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const { parent, ...spanOpts } = opts;
  return trace.getTracer(TRACER).startActiveSpan(name, spanOpts, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      recordSpanError(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** An error on a span: the exception event and status ERROR (a BullMQ DelayedError is a wait, not one). */
export function recordSpanError(span: Span, err: unknown): void {
  if ((err as Error | undefined)?.name === 'DelayedError') return;
  span.recordException(err instanceof Error ? err : new Error(String(err)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** The active context as W3C fields ({} when tracing is off or nothing is sampled). */
export function currentTraceCarrier(ctx: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** A context whose remote parent is the carrier's traceparent (the root context when there is none). */
export function contextFromCarrier(carrier: unknown): Context {
  const fields = (carrier ?? {}) as Record<string, unknown>;
  if (typeof fields.traceparent !== 'string') return ROOT_CONTEXT;
  const clean: TraceCarrier = { traceparent: fields.traceparent };
  if (typeof fields.tracestate === 'string') clean.tracestate = fields.tracestate;
  return propagation.extract(ROOT_CONTEXT, clean);
}

/**
 * Span options that continue a stored trace (an upload's, kept on its media row) and link the span that
 * is active now (the sweeper's or an admin request's): a re-drive shows in the upload's trace and still
 * says what re-drove it. Nothing to continue (no traceparent): {} (the active context is the parent).
 */
export function continuingTrace(stored: {
  traceparent?: string | null;
  tracestate?: string | null;
}): Pick<SpanOptions, 'parent' | 'links'> {
  if (typeof stored.traceparent !== 'string') return {};
  const now = trace.getSpanContext(context.active());
  return {
    parent: contextFromCarrier(stored),
    links: now && trace.isSpanContextValid(now) ? [{ context: now }] : [],
  };
}

/**
 * The parent of a request's server span: the host's own span when one is active (`next start` traces each
 * request itself and continues the client's `traceparent` there), else the client's headers. Either way
 * one request is one trace.
 */
export function requestParentContext(headers: Headers): Context {
  const active = trace.getSpanContext(context.active());
  return active && trace.isSpanContextValid(active) ? context.active() : contextFromHeaders(headers);
}

/** The incoming request's traceparent/tracestate headers as a parent context (a traced client). */
export function contextFromHeaders(headers: Headers): Context {
  return contextFromCarrier({
    traceparent: headers.get('traceparent') ?? undefined,
    tracestate: headers.get('tracestate') ?? undefined,
  });
}

/** The active span's ids for a log line; undefined outside a sampled span. */
export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext()) || traceFlags === 0) return undefined;
  return { traceId, spanId };
}
