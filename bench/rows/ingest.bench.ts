import { rowFromRuns, type BenchDefinition, type BenchRow } from '../bench-report';
import { percentile } from '../bench-stats';
import { INGEST_MODES, uploadOnce, type IngestMode } from './ingest-client';
import { buildWeb, createDataDir, startBareServer, startNextWeb, type UploadServer } from './ingest-servers';
import { treeRss } from './process-rss';

const MB = 1024 * 1024;
/** Sequential uploads per server, mode and run: enough for a p99 at 1 MB, a few at 100 MB. */
const SIZES = [
  { label: '1mb', bytes: MB, uploads: 40 },
  { label: '100mb', bytes: 100 * MB, uploads: 3 },
];
const RSS_UPLOAD_BYTES = Number(process.env.BENCH_INGEST_RSS_MB ?? 2048) * MB;
const RSS_MODES: IngestMode[] = ['octet-stream', 'tus'];

type Figures = { mbps: number[]; p50: number[]; p99: number[] };
const emptyFigures = (): Figures => ({ mbps: [], p50: [], p99: [] });

async function measureSeries(server: UploadServer, mode: IngestMode, bytes: number, uploads: number) {
  const ms: number[] = [];
  for (let i = 0; i < uploads; i++) ms.push(await uploadOnce(server, mode, bytes));
  const total = ms.reduce((a, b) => a + b, 0);
  ms.sort((a, b) => a - b);
  return { mbps: (uploads * bytes) / MB / (total / 1000), p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/** Peak RSS growth (MB) of the server's process tree over one large streamed upload. */
async function rssGrowth(server: UploadServer, mode: IngestMode): Promise<number> {
  const idle = treeRss(server.pid, true);
  await uploadOnce(server, mode, RSS_UPLOAD_BYTES);
  return treeRss(server.pid).peakMb - idle.rssMb;
}

export const ingestBench: BenchDefinition = {
  name: 'ingest',
  async run(ctx) {
    buildWeb(ctx.log);
    const data = createDataDir();
    const servers = [
      await startNextWeb(data.dir),
      await startBareServer(data.dir),
      await startBareServer(data.dir, { isDurable: true }),
    ];
    const figures = new Map<string, Figures>();
    const at = (key: string) => figures.get(key) ?? figures.set(key, emptyFigures()).get(key)!;
    const rss = new Map<string, number[]>();
    try {
      // Warm-up: Next compiles nothing at run time, but the first requests load route modules and Prisma.
      for (const server of servers) for (const mode of INGEST_MODES) await measureSeries(server, mode, MB, 3);
      for (let run = 0; run < ctx.runs; run++) {
        for (const size of SIZES) {
          for (const mode of INGEST_MODES) {
            for (const [s, server] of servers.entries()) {
              // The durable floor only where it explains something: the streamed path.
              if (s === 2 && mode !== 'octet-stream') continue;
              const r = await measureSeries(server, mode, size.bytes, size.uploads);
              const f = at(`${mode}-${size.label}-${s}`);
              f.mbps.push(r.mbps);
              f.p50.push(r.p50);
              f.p99.push(r.p99);
              ctx.log(
                `run ${run + 1} ${mode} ${size.label} ${server.name}: ${r.mbps.toFixed(1)} MB/s, ` +
                  `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`,
              );
            }
          }
        }
      }
      for (const mode of RSS_MODES) {
        for (const [s, server] of servers.slice(0, 2).entries()) {
          const growth = await rssGrowth(server, mode);
          rss.set(`${mode}-${s}`, [growth]);
          ctx.log(`${RSS_UPLOAD_BYTES / MB} MB ${mode} ${server.name}: peak RSS +${growth.toFixed(1)} MB`);
        }
      }
    } finally {
      for (const server of servers) await server.stop();
      data.remove();
    }
    const source = 'bare node:http server streaming the same bodies to disk, same client and disk, same run';
    const rows: BenchRow[] = [];
    for (const size of SIZES) {
      for (const mode of INGEST_MODES) {
        const fjord = at(`${mode}-${size.label}-0`);
        const bare = at(`${mode}-${size.label}-1`);
        const name = `ingest-${mode}-${size.label}`;
        const row = (suffix: string, unit: string, key: keyof Figures, goal?: string) =>
          rowFromRuns({
            name: `${name}${suffix}`,
            unit,
            fjord: fjord[key],
            baseline: bare[key],
            higherIsBetter: key === 'mbps',
            baselineSource: source,
            ...(goal ? { goal } : {}),
          });
        rows.push(row('', 'MB/s', 'mbps', '≥ 0.8×'), row('-p50', 'ms', 'p50'), row('-p99', 'ms', 'p99'));
      }
      rows.push(
        rowFromRuns({
          name: `ingest-octet-stream-${size.label}-vs-fsync`,
          unit: 'MB/s',
          fjord: at(`octet-stream-${size.label}-0`).mbps,
          baseline: at(`octet-stream-${size.label}-2`).mbps,
          higherIsBetter: true,
          baselineSource:
            'the bare server fsyncing each file and its directory, as the local blob store does',
        }),
      );
    }
    for (const mode of RSS_MODES) {
      rows.push(
        rowFromRuns({
          name: `ingest-rss-${RSS_UPLOAD_BYTES / MB}mb-${mode}`,
          unit: 'MB peak growth',
          fjord: rss.get(`${mode}-0`)!,
          baseline: rss.get(`${mode}-1`)!,
          higherIsBetter: false,
          goal: '< 50 MB',
          baselineSource: 'the bare node:http server over the same upload',
        }),
      );
    }
    return rows;
  },
};
