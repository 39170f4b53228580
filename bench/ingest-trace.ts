/**
 * Where the time to 202 of a small upload goes, from Fjord's own OpenTelemetry spans: the real web app
 * (`next start`, built by the ingest row's `buildWeb`) exports to a loopback OTLP/HTTP receiver in this
 * process; N sequential octet-stream uploads, then each span name's median duration and median start
 * offset within its request, in order of start:
 *
 *   npx tsx bench/ingest-trace.ts [--mb 1] [--uploads 30]
 */
import http from 'node:http';
import { listenOnLoopback } from '@fjord/testing';
import { summarize } from './bench-stats';
import { uploadOnce } from './rows/ingest-client';
import { buildWeb, createDataDir, startNextWeb } from './rows/ingest-servers';
import { sleep } from './rows/queue-bench';

type Span = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
};

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const MB = 1024 * 1024;
const bytes = Number(option('mb', '1')) * MB;
const uploads = Number(option('uploads', '30'));

const spans: Span[] = [];
const collector = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
    for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
const port = await listenOnLoopback(collector);
// startNextWeb passes this process' environment on to `next start`.
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
process.env.OTEL_TRACES_SAMPLE_RATIO = '1';

buildWeb((line) => console.error(line));
const data = createDataDir();
const web = await startNextWeb(data.dir);
const client: number[] = [];
try {
  for (let i = 0; i < uploads + 5; i++) {
    const ms = await uploadOnce(web, 'octet-stream', bytes);
    if (i >= 5) client.push(ms); // the first five warm Next's routes and the connection pools
  }
  await sleep(3_000); // the batch span processor exports about every second
} finally {
  await web.stop();
  collector.close();
  data.remove();
}

const ns = (s: Span, key: 'startTimeUnixNano' | 'endTimeUnixNano') => Number(BigInt(s[key]) / 1000n) / 1000;
// Fjord's server span of each request: the nearest `POST /api/v1/media` above its storage span (under
// `next start` it is a child of Next's own request span, in the same trace).
const byId = new Map(spans.map((s) => [s.spanId, s]));
const serverSpanOf = (span: Span | undefined): Span | undefined => {
  for (let s = span; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) {
    if (s.name === 'POST /api/v1/media' && s !== span) return s;
  }
  return undefined;
};
const requests = spans
  .filter((s) => s.name === 'storage put original')
  .map(serverSpanOf)
  .filter((s): s is Span => s !== undefined)
  .sort((a, b) => ns(a, 'startTimeUnixNano') - ns(b, 'startTimeUnixNano'))
  .slice(5);
const tracesPerRequest =
  new Set(spans.filter((s) => s.name === 'POST /api/v1/media' && !s.parentSpanId).map((s) => s.traceId))
    .size /
  (uploads + 5);
const byName = new Map<string, { offsets: number[]; durations: number[] }>();
for (const request of requests) {
  const start = ns(request, 'startTimeUnixNano');
  // The request's own spans: its descendants (Next's spans around it are not Fjord's path).
  const inside = (s: Span): boolean => {
    for (let p = s; p.parentSpanId;) {
      if (p.parentSpanId === request.spanId) return true;
      const parent = byId.get(p.parentSpanId);
      if (!parent) return false;
      p = parent;
    }
    return false;
  };
  for (const span of [request, ...spans.filter((s) => s.traceId === request.traceId && inside(s))]) {
    const entry = byName.get(span.name) ?? { offsets: [], durations: [] };
    entry.offsets.push(ns(span, 'startTimeUnixNano') - start);
    entry.durations.push(ns(span, 'endTimeUnixNano') - ns(span, 'startTimeUnixNano'));
    byName.set(span.name, entry);
  }
}
const median = (xs: number[]) => summarize(xs).median;
console.log(
  `${requests.length} traced uploads of ${bytes / MB} MB; client time to 202: p50 ${median(client).toFixed(1)} ms; ` +
    `${tracesPerRequest.toFixed(1)} traces per request`,
);
console.log('| span | spans per upload | median start (ms) | median duration (ms) |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, e] of [...byName].sort((a, b) => median(a[1].offsets) - median(b[1].offsets))) {
  console.log(
    `| ${name} | ${(e.durations.length / requests.length).toFixed(1)} | ${median(e.offsets).toFixed(2)} | ` +
      `${median(e.durations).toFixed(2)} |`,
  );
}
process.exit(0);
