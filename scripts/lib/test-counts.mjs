// What the closing line of `npm test` counts, read from the runners' JSON reports (pure: reports in, counts
// out). Tests are counted as the runners count them; files too, because a file that fails outside a test
// (a throw in beforeAll, an import that fails) has no failed test: vitest reports its tests as skipped.
import path from 'node:path';

/** Playwright spec files with a failed spec, walking its nested suites. */
function failedSpecFiles(suites, into) {
  for (const suite of suites ?? []) {
    if ((suite.specs ?? []).some((spec) => spec.ok === false)) into.add(suite.file);
    failedSpecFiles(suite.suites, into);
  }
  return into;
}

/**
 * @param {{ vitest?: object[], playwright?: object, root: string }} reports vitest's `--reporter=json`
 *   reports (one per tier) and Playwright's JSON report, either missing when the step did not run.
 * @returns {{ passed: number, failed: number, skipped: number, failedFiles: string[] }}
 */
export function countReports({ vitest = [], playwright, root }) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failedFiles = [];
  for (const report of vitest) {
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const file of report.testResults ?? []) {
      if (file.status === 'failed') failedFiles.push(path.relative(root, file.name));
    }
  }
  if (playwright) {
    const { stats } = playwright;
    passed += (stats?.expected ?? 0) + (stats?.flaky ?? 0);
    failed += stats?.unexpected ?? 0;
    skipped += stats?.skipped ?? 0;
    // Spec files are named relative to the config's testDir (e2e/tests).
    failedFiles.push(...[...failedSpecFiles(playwright.suites, new Set())].map((f) => `e2e/tests/${f}`));
    // An error outside every test (global setup, a spec that does not load).
    if ((playwright.errors ?? []).length > 0) failedFiles.push('e2e (outside any test)');
  }
  return { passed, failed, skipped, failedFiles };
}

/** The closing line CI reads, then the failed files, one a line. */
export function formatCounts({ passed, failed, skipped, failedFiles }) {
  const files = failedFiles.length;
  const line = `tests: ${passed} passed, ${failed} failed, ${skipped} skipped; files: ${files} failed`;
  return [line, ...failedFiles.map((f) => `  ✗ ${f}`)].join('\n');
}
