import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentTraceCarrier,
  isTracingEnabled,
  requestParentContext,
  startTracing,
  withSpan,
} from './tracing';

// A loopback OTLP receiver that counts connections and requests: the off case must see none, the on
// case (same receiver) at least one, so the first assertion can fail.
let connections = 0;
const requests: { path: string; contentType: string | undefined; body: string }[] = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    requests.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
receiver.on('connection', () => connections++);
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe('startTracing', () => {
  it('with OTEL_EXPORTER_OTLP_ENDPOINT unset installs nothing and connects nowhere', async () => {
    const tracing = startTracing(
      { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_TRACES_SAMPLE_RATIO: 1 },
      { service: 'test' },
    );
    expect(tracing.enabled).toBe(false);
    expect(isTracingEnabled()).toBe(false);
    const carrier = await withSpan('work', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      return currentTraceCarrier();
    });
    expect(carrier).toEqual({});
    await tracing.flush();
    await tracing.shutdown();
    await new Promise((r) => setTimeout(r, 200));
    expect(connections).toBe(0);
  });

  it('with the endpoint set exports OTLP/HTTP JSON to <endpoint>/v1/traces, and flushes on shutdown', async () => {
    const tracing = startTracing(
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLE_RATIO: 1, FJORD_VERSION: '1.2.3' },
      { service: 'test' },
    );
    expect(tracing.enabled).toBe(true);
    const traceId = await withSpan('work', {}, async (span) => span.spanContext().traceId);
    await tracing.shutdown();
    expect(connections).toBeGreaterThan(0);
    const [sent] = requests;
    expect(sent).toMatchObject({ path: '/v1/traces', contentType: 'application/json' });
    const body = JSON.parse(sent!.body);
    const resource = body.resourceSpans[0].resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'test' } });
    expect(body.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ name: 'work', traceId });
    // Shut down: the global provider is the no-op again.
    expect(trace.getTracer('x').startSpan('after').isRecording()).toBe(false);
  });
});

describe('requestParentContext', () => {
  it("continues the host's active request span, else the client's traceparent, else starts a trace", async () => {
    const tracing = startTracing(
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLE_RATIO: 1 },
      { service: 'test' },
    );
    try {
      const client = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const headers = new Headers({ traceparent: client });
      const parentOf = (h: Headers) => trace.getSpanContext(requestParentContext(h));
      // No host span (a plain node:http server): the client's header, or nothing.
      expect(parentOf(headers)).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c' });
      expect(parentOf(new Headers())).toBeUndefined();
      // Under a host span (Next's own, which continued the header itself): that span.
      await withSpan('host request', {}, async (host) => {
        expect(parentOf(headers)).toMatchObject({ spanId: host.spanContext().spanId });
        expect(parentOf(new Headers())).toMatchObject({ traceId: host.spanContext().traceId });
      });
    } finally {
      await tracing.shutdown();
    }
  });
});
