import { IMAGE_VARIANTS } from '@fjord/queue';
import { waitFor } from '@fjord/testing';
import type { GeneratedImage } from '../scale/scale-images';
import type { OutageStack, StackProcess } from './outage-stack';

export type OutageTarget = 'postgres' | 'redis';

export type OutageOptions = {
  target: OutageTarget;
  /** How long the proxy stays cut. */
  seconds: number;
  /** Uploaded (and answered 202) right before the cut; the rest of `images` are tried during it. */
  before: GeneratedImage[];
  during: GeneratedImage[];
  /** After the restore: fresh work that shows each process working again. */
  after: GeneratedImage[];
  /** How long every acknowledged upload gets to end READY with its email, after the restore. */
  settleMs: number;
  log?: (line: string) => void;
};

type Attempt = Awaited<ReturnType<OutageStack['upload']>>;

export type OutageReport = {
  target: OutageTarget;
  outageMs: number;
  acknowledged: string[];
  /** Uploads tried while cut off: answered 503 + Retry-After, 202 (then they must end READY), or else. */
  during: Attempt[];
  /** web's /api/health/ready answers during the outage (status codes, and what it said). */
  healthDuring: { status: number; body: string }[];
  /** ms from the restore until each process served again (web: ready + a 202; worker: a job completed). */
  recoveredMs: Record<string, number | undefined>;
  /** ms from the restore until each worker's /health/ready said 200 again. */
  readyMs: Record<string, number | undefined>;
  exited: string[];
  byStatus: Record<string, number>;
  wrongRenditions: string[];
  missingBlobs: string[];
  emails: Map<string, number>;
  /** ms from the restore until every acknowledged upload was READY. */
  allReadyMs: number | undefined;
};

const EXPECTED = IMAGE_VARIANTS.map((v) => v.name)
  .sort()
  .join(',');
export const readyMessageId = (id: string) => `<media-${id}-ready@fjord>`;

/** The outage itself: acknowledged uploads, the cut, attempts and probes while cut, the restore, the outcome. */
export async function runOutage(stack: OutageStack, o: OutageOptions): Promise<OutageReport> {
  const log = o.log ?? (() => undefined);
  const { p } = stack;
  const proxy = stack.proxies[o.target];
  const acknowledged: string[] = [];
  const accept = (a: Attempt) => {
    if (a.status === 202 && a.id) acknowledged.push(a.id);
    return a;
  };
  const before = await Promise.all(o.before.map((img) => stack.upload(img.body, img.filename)));
  for (const a of before) {
    if (a.status !== 202)
      throw new Error(`upload before the outage answered ${a.status}: ${JSON.stringify(a)}`);
    accept(a);
  }
  log(`${acknowledged.length} uploads acknowledged; cutting ${o.target}`);

  await proxy.cut();
  const cutAt = Date.now();
  const during: Attempt[] = [];
  const healthDuring: OutageReport['healthDuring'] = [];
  const exited = new Set<string>();
  const deadline = cutAt + o.seconds * 1000;
  const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
  // Uploads spread over the outage, and web's readiness probed every second, side by side, so a slow
  // answer neither stretches the outage nor hides one.
  const spacing = (o.seconds * 1000) / (o.during.length + 1);
  const attempts = (async () => {
    for (const [i, img] of o.during.entries()) {
      await sleepUntil(cutAt + spacing * (i + 1));
      during.push(accept(await stack.upload(img.body, img.filename)));
    }
  })();
  const probes = (async () => {
    const web = stack.processes.find((s) => s.name === 'web')!;
    for (let i = 0; Date.now() < deadline - 1_000 && i < 1_000; i++) {
      healthDuring.push(await stack.health(web, 'ready'));
      for (const e of stack.exited()) exited.add(e);
      await sleepUntil(Math.min(deadline, Date.now() + 1_000));
    }
  })();
  await sleepUntil(deadline);
  await Promise.all([attempts, probes]);
  const workerProcs = stack.processes.filter((s) => s.name !== 'web');
  const completedAtRestore = new Map(
    await Promise.all(workerProcs.map(async (w) => [w.name, await stack.completedJobs(w)] as const)),
  );
  await proxy.restore();
  const restoredAt = Date.now();
  const outageMs = restoredAt - cutAt;
  log(`${o.target} restored after ${outageMs} ms; ${during.length} uploads tried while cut off`);

  const recoveredMs: OutageReport['recoveredMs'] = {};
  const readyMs: OutageReport['readyMs'] = {};
  const afterUploads = waitFor(
    async () => {
      const web = stack.processes.find((s) => s.name === 'web')!;
      if ((await stack.health(web, 'ready')).status !== 200) return false;
      const results = await Promise.all(o.after.map((img) => stack.upload(img.body, img.filename)));
      results.forEach(accept);
      if (results.some((r) => r.status !== 202)) return false;
      recoveredMs.web = Date.now() - restoredAt;
      return true;
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  ).catch(() => undefined);
  const workerRecovery = stack.processes
    .filter((s) => s.name !== 'web')
    .flatMap((proc: StackProcess) => [
      waitFor(
        async () => {
          if ((await stack.health(proc, 'ready')).status !== 200) return false;
          readyMs[proc.name] = Date.now() - restoredAt;
          return true;
        },
        { timeoutMs: o.settleMs, intervalMs: 250 },
      ).catch(() => undefined),
      waitFor(
        async () => {
          const done = await stack.completedJobs(proc);
          if (done === undefined || done <= (completedAtRestore.get(proc.name) ?? 0)) return false;
          recoveredMs[proc.name] = Date.now() - restoredAt;
          return true;
        },
        { timeoutMs: o.settleMs, intervalMs: 250 },
      ).catch(() => undefined),
    ]);
  await Promise.all([afterUploads, ...workerRecovery]);

  const readyCount = () => p.db.media.count({ where: { id: { in: acknowledged }, status: 'READY' } });
  const allReadyMs = await waitFor(
    async () => ((await readyCount()) === acknowledged.length ? Date.now() - restoredAt : undefined),
    { timeoutMs: o.settleMs, intervalMs: 500 },
  ).catch(() => undefined);
  await waitFor(
    async () => {
      const ids = new Set(p.smtp.messages.map((m) => m.messageId));
      return acknowledged.every((id) => ids.has(readyMessageId(id)));
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  ).catch(() => undefined);
  for (const e of stack.exited()) exited.add(e);

  const media = await p.db.media.findMany({
    where: { id: { in: acknowledged } },
    include: { renditions: true },
  });
  const byStatus: Record<string, number> = {};
  const wrongRenditions: string[] = [];
  const missingBlobs: string[] = [];
  for (const m of media) {
    byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
    const names = m.renditions
      .map((r) => r.name)
      .sort()
      .join(',');
    if (m.status === 'READY' && names !== EXPECTED) wrongRenditions.push(`${m.id}: ${names}`);
    if (!(await p.storage.stat(m.storageKey))) missingBlobs.push(`${m.id} original`);
    for (const r of m.renditions)
      if ((await p.storage.stat(r.storageKey))?.size !== Number(r.bytes)) missingBlobs.push(r.storageKey);
  }
  const emails = new Map<string, number>();
  for (const id of acknowledged) emails.set(id, 0);
  for (const m of p.smtp.messages) {
    const id = /^<media-(.+)-ready@fjord>$/.exec(m.messageId ?? '')?.[1];
    if (id && emails.has(id)) emails.set(id, emails.get(id)! + 1);
  }
  return {
    target: o.target,
    outageMs,
    acknowledged,
    during,
    healthDuring,
    recoveredMs,
    readyMs,
    exited: [...exited],
    byStatus,
    wrongRenditions,
    missingBlobs,
    emails,
    allReadyMs,
  };
}

/** Everything that must hold after an outage, as sentences; empty when it held. */
export function problemsOf(r: OutageReport, bounds: { refusalMs: number; recoveryMs: number }): string[] {
  const problems: string[] = [];
  if (r.exited.length) problems.push(`exited: ${r.exited.join(', ')}`);
  const notReady = Object.entries(r.byStatus).filter(([s]) => s !== 'READY');
  if (notReady.length || r.allReadyMs === undefined)
    problems.push(`not all READY: ${JSON.stringify(r.byStatus)} of ${r.acknowledged.length}`);
  if (r.wrongRenditions.length)
    problems.push(`wrong renditions: ${r.wrongRenditions.slice(0, 3).join('; ')}`);
  if (r.missingBlobs.length) problems.push(`missing blobs: ${r.missingBlobs.slice(0, 3).join('; ')}`);
  const badMail = [...r.emails].filter(([, n]) => n !== 1);
  if (badMail.length)
    problems.push(
      `emails not exactly one: ${badMail
        .slice(0, 3)
        .map(([id, n]) => `${id}=${n}`)
        .join(', ')}`,
    );
  for (const a of r.during) {
    const isRefusal = a.status === 503 && Number(a.retryAfter) > 0 && !!a.error?.code && !!a.error?.message;
    if (a.status !== 202 && !isRefusal) problems.push(`during the outage: ${JSON.stringify(a)}`);
    if (a.ms > bounds.refusalMs) problems.push(`answer took ${a.ms} ms (> ${bounds.refusalMs})`);
  }
  // web's readiness names the dependency that is down.
  const check = r.target === 'postgres' ? '"db":"down"' : '"redis":"down"';
  if (!r.healthDuring.some((h) => h.status === 503 && h.body.includes(check)))
    problems.push(`/api/health/ready never said 503 ${check}: ${JSON.stringify(r.healthDuring.slice(0, 2))}`);
  for (const [name, ms] of Object.entries(r.recoveredMs))
    if (ms === undefined || ms > bounds.recoveryMs)
      problems.push(`${name} recovered in ${ms} ms (> ${bounds.recoveryMs})`);
  for (const name of ['web', 'worker-transcode', 'worker-db', 'worker-email'])
    if (!(name in r.recoveredMs)) problems.push(`${name} never recovered`);
  for (const [name, ms] of Object.entries(r.readyMs))
    if (ms === undefined || ms > bounds.recoveryMs) problems.push(`${name} ready again in ${ms} ms`);
  return problems;
}

export function summaryOf(r: OutageReport): string {
  const refusals = r.during.filter((a) => a.status === 503).length;
  const accepted = r.during.filter((a) => a.status === 202).length;
  const slowest = Math.max(0, ...r.during.map((a) => a.ms));
  return [
    `${r.target} cut ${Math.round(r.outageMs / 1000)} s`,
    `${r.acknowledged.length} acknowledged (${accepted} of them during the outage)`,
    `${refusals} refused 503 during it (slowest answer ${slowest} ms)`,
    `after restore: ${Object.entries(r.recoveredMs)
      .map(
        ([n, ms]) =>
          `${n} ${n in r.readyMs ? `ready ${r.readyMs[n]} ms, first job ` : 'ready + 202 '}${ms} ms`,
      )
      .join(', ')}`,
    `all READY ${r.allReadyMs} ms after restore`,
    `statuses ${JSON.stringify(r.byStatus)}`,
  ].join('; ');
}
