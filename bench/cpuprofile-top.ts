/**
 * Summarises V8 .cpuprofile files (`node --cpu-prof`) into the top-N functions by self time and the CPU
 * share of each origin (Fjord's own code, each npm package, Node internals, GC), so the profile tables in
 * docs/performance.md can be reproduced from the raw files:
 *
 *   npx tsx bench/cpuprofile-top.ts [--top 15] [--fjord] <file.cpuprofile>…
 *
 * Several files (e.g. one per process of a run) are summed. Shares are of the busy time: `(idle)` is left
 * out of the denominator and reported on its own. `--fjord` lists only Fjord's own frames (libs/, apps/,
 * bench/, not node_modules or Next's compiled output).
 */
import { readFileSync } from 'node:fs';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** Where a frame comes from: `fjord`, `node`, `(gc)`/`(program)`/`(idle)`, or the npm package's name. */
export function originOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('node:')) return 'node';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  // Next's production build: its compiled server chunks are Next's and the bundled libraries'.
  if (url.includes('/.next/')) return url.includes('/chunks/') ? 'next build (app + bundled deps)' : 'next';
  if (/\/(libs|apps|bench|tests)\//.test(url)) return 'fjord';
  return 'other';
}

export type FunctionCost = { name: string; where: string; origin: string; selfMs: number };

function describe(frame: CallFrame) {
  const file = frame.url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/(node_modules|libs|apps|bench|tests)\//, '$1/');
  return {
    name: frame.functionName || '(anonymous)',
    where: frame.url ? `${file}:${frame.lineNumber + 1}` : '',
  };
}

function add(map: Map<string, FunctionCost>, frame: CallFrame, origin: string, ms: number) {
  const { name, where } = describe(frame);
  const key = `${name}|${where}`;
  const entry = map.get(key) ?? { name, where, origin, selfMs: 0 };
  entry.selfMs += ms;
  map.set(key, entry);
}

export function summarise(profiles: CpuProfile[]) {
  const byFunction = new Map<string, FunctionCost>();
  // Each busy sample charged to the innermost Fjord frame on its stack (its own time and what it called).
  const byFjordCaller = new Map<string, FunctionCost>();
  const byOrigin = new Map<string, number>();
  let totalMs = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    for (let i = 0; i < profile.samples.length; i++) {
      const node = nodes.get(profile.samples[i]!);
      if (!node) continue;
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const origin = originOf(node.callFrame);
      add(byFunction, node.callFrame, origin, ms);
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
      totalMs += ms;
      if (origin === '(idle)') continue;
      let up: ProfileNode | undefined = node;
      while (up && originOf(up.callFrame) !== 'fjord') up = nodes.get(parent.get(up.id) ?? -1);
      if (up) add(byFjordCaller, up.callFrame, 'fjord', ms);
      else
        add(
          byFjordCaller,
          { functionName: '(no Fjord frame on the stack)', url: '', lineNumber: 0, columnNumber: 0 },
          '-',
          ms,
        );
    }
  }
  const idleMs = byOrigin.get('(idle)') ?? 0;
  return {
    totalMs,
    idleMs,
    busyMs: totalMs - idleMs,
    fjordCallers: [...byFjordCaller.values()].sort((a, b) => b.selfMs - a.selfMs),
    functions: [...byFunction.values()]
      .filter((f) => f.origin !== '(idle)')
      .sort((a, b) => b.selfMs - a.selfMs),
    origins: [...byOrigin.entries()]
      .filter(([o]) => o !== '(idle)')
      .map(([origin, ms]) => ({ origin, ms }))
      .sort((a, b) => b.ms - a.ms),
  };
}

function main(argv: string[]) {
  let top = 15;
  let isFjordOnly = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') top = Number(argv[++i]);
    else if (argv[i] === '--fjord') isFjordOnly = true;
    else files.push(argv[i]!);
  }
  if (files.length === 0 || !Number.isFinite(top)) {
    console.error('usage: npx tsx bench/cpuprofile-top.ts [--top N] [--fjord] <file.cpuprofile>…');
    process.exit(2);
  }
  const s = summarise(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile));
  const pct = (ms: number) => `${((100 * ms) / s.busyMs).toFixed(1)} %`;
  console.log(
    `${files.length} profile(s): ${(s.totalMs / 1000).toFixed(1)} s sampled, busy ${(s.busyMs / 1000).toFixed(1)} s, ` +
      `idle ${((100 * s.idleMs) / s.totalMs).toFixed(0)} % of the window`,
  );
  console.log('\n| origin | self s | share of busy |\n| --- | ---: | ---: |');
  for (const o of s.origins.slice(0, top))
    console.log(`| ${o.origin} | ${(o.ms / 1000).toFixed(2)} | ${pct(o.ms)} |`);
  console.log(
    '\n| innermost Fjord frame on the stack | where | self + callees ms | share of busy |\n| --- | --- | ---: | ---: |',
  );
  for (const f of s.fjordCallers.slice(0, top))
    console.log(`| ${f.name} | ${f.where} | ${f.selfMs.toFixed(0)} | ${pct(f.selfMs)} |`);
  const list = isFjordOnly ? s.functions.filter((f) => f.origin === 'fjord') : s.functions;
  console.log('\n| function | where | origin | self ms | share of busy |\n| --- | --- | --- | ---: | ---: |');
  for (const f of list.slice(0, top)) {
    console.log(`| ${f.name} | ${f.where} | ${f.origin} | ${f.selfMs.toFixed(0)} | ${pct(f.selfMs)} |`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!))
  main(process.argv.slice(2));
