#!/usr/bin/env node
// `npm test`: everything CI checks, in order, stopping at the first failure.
//   --only <step>   run one step (plus what it needs: services for db-check/int/e2e, build for e2e)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, ensureInstalled, formatMs, quietToolEnv, root, runCommand } from './lib/run.mjs';
import { countReports, formatCounts } from './lib/test-counts.mjs';

const env = { ...process.env, ...quietToolEnv };

// Every temporary file of the run (test data dirs, uploads, ffmpeg scratch, Chromium profiles) goes under
// one folder that is removed at the end; folders of runs that crashed are removed after a day.
const TMP_PREFIX = 'fjord-test-run-';
function createRunTmpDir() {
  const base = os.tmpdir();
  for (const name of readdirSync(base)) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const dir = path.join(base, name);
    try {
      if (Date.now() - statSync(dir).mtimeMs > 24 * 60 * 60 * 1000)
        rmSync(dir, { recursive: true, force: true });
    } catch {
      // another run removed it first
    }
  }
  return mkdtempSync(path.join(base, TMP_PREFIX));
}
const runTmpDir = createRunTmpDir();
env.TMPDIR = runTmpDir;
let servicesEnsured = false;

const steps = {
  install: async () => {
    if (!ensureInstalled()) console.log('[test] node_modules is up to date');
    return 0;
  },
  services: async () => {
    if (servicesEnsured) return 0;
    const { ensureServices } = await import(pathToFileURL(path.join(root, 'scripts/services.mjs')).href);
    const { databaseUrl, redisUrl } = await ensureServices({ needChromium: true });
    Object.assign(env, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl });
    servicesEnsured = true;
    return 0;
  },
  'db-check': () =>
    runCommand(process.execPath, [path.join(root, 'scripts/db-migrate.mjs'), 'check'], { env }),
  'typecheck-lint': () => runCommand(bin('nx'), ['run-many', '-t', 'typecheck', 'lint'], { env }),
  // Two runs rather than one `vitest run`: the projects differ in maxWorkers, which vitest 4 only
  // accepts in one run with distinct sequence.groupOrder values; separate runs also time each tier.
  unit: () => runCommand(bin('vitest'), ['run', '--project', 'unit', ...vitestReport('unit')], { env }),
  int: () => runCommand(bin('vitest'), ['run', '--project', 'int', ...vitestReport('int')], { env }),
  build: () => runCommand(bin('nx'), ['run-many', '-t', 'build'], { env }),
  e2e: async () => {
    const config = path.join(root, 'e2e/playwright.config.ts');
    if (!existsSync(config)) {
      console.log('[test] e2e/playwright.config.ts does not exist yet: skipping the browser tests');
      return 0;
    }
    return runCommand(bin('playwright'), ['test', '-c', config, '--reporter=list,json'], {
      env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reportDir, 'e2e.json') },
    });
  },
};

// Each runner also writes a JSON report, so the last line can count every test of every tier.
const reportDir = path.join(root, 'test-results/reports');

function vitestReport(project) {
  return [
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${path.join(reportDir, `${project}.json`)}`,
  ];
}

function countTests() {
  const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
  return countReports({
    vitest: ['unit', 'int'].map((tier) => read(path.join(reportDir, `${tier}.json`))).filter(Boolean),
    playwright: read(path.join(reportDir, 'e2e.json')),
    root,
  });
}

const needs = { 'db-check': ['services'], int: ['services'], e2e: ['services', 'build'] };

function plan(argv) {
  const at = argv.indexOf('--only');
  if (at === -1) return Object.keys(steps);
  const only = argv[at + 1];
  if (!only || !(only in steps)) {
    console.error(`usage: node scripts/test.mjs [--only <${Object.keys(steps).join('|')}>]`);
    process.exit(2);
  }
  return [...new Set(['install', ...(needs[only] ?? []), only])];
}

async function main() {
  const timings = [];
  let failed = null;
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  for (const name of plan(process.argv.slice(2))) {
    console.log(`\n[test] ▶ ${name}`);
    const started = Date.now();
    let code;
    try {
      code = await steps[name]();
    } catch (error) {
      console.error(`[test] ${name}: ${error instanceof Error ? error.message : error}`);
      code = 1;
    }
    timings.push([name, Date.now() - started, code]);
    if (code !== 0) {
      failed = name;
      break;
    }
  }
  console.log('\n[test] summary');
  for (const [name, ms, code] of timings) {
    console.log(`  ${code === 0 ? '✓' : '✗'} ${name.padEnd(16)} ${formatMs(ms)}`);
  }
  const total = timings.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`  total            ${formatMs(total)}${failed ? `  (failed at ${failed})` : ''}`);
  rmSync(runTmpDir, { recursive: true, force: true });
  // The one closing line CI reads, whatever the tiers' own reporters printed above; then failed files.
  console.log(`\n${formatCounts(countTests())}`);
  process.exit(failed ? 1 : 0);
}

main();
