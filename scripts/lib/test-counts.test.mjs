import { describe, expect, it } from 'vitest';
import { countReports, formatCounts } from './test-counts.mjs';

const root = '/repo';
// The shape vitest 4's json reporter wrote for a file whose beforeAll threw, one whose import failed,
// and one that passed: numFailedTests 0, the first file's tests reported as pending.
const unit = {
  numPassedTests: 1,
  numFailedTests: 0,
  numPendingTests: 2,
  numTodoTests: 0,
  testResults: [
    { name: '/repo/libs/q/ok.test.ts', status: 'passed', assertionResults: [{ status: 'passed' }] },
    {
      name: '/repo/libs/q/hook.test.ts',
      status: 'failed',
      message: 'boom in beforeAll',
      assertionResults: [{ status: 'skipped' }, { status: 'skipped' }],
    },
    {
      name: '/repo/libs/q/import.test.ts',
      status: 'failed',
      message: 'Cannot find module',
      assertionResults: [],
    },
  ],
};

describe('countReports', () => {
  it('counts a file that failed outside its tests, which has no failed test', () => {
    const counts = countReports({ vitest: [unit], root });
    expect(counts).toEqual({
      passed: 1,
      failed: 0,
      skipped: 2,
      failedFiles: ['libs/q/hook.test.ts', 'libs/q/import.test.ts'],
    });
    expect(formatCounts(counts)).toBe(
      'tests: 1 passed, 0 failed, 2 skipped; files: 2 failed\n  ✗ libs/q/hook.test.ts\n  ✗ libs/q/import.test.ts',
    );
  });

  it('adds Playwright: its failed spec files (nested suites too) and errors outside any test', () => {
    const playwright = {
      stats: { expected: 3, flaky: 1, unexpected: 1, skipped: 0 },
      suites: [
        { file: 'a.spec.ts', specs: [{ ok: true }], suites: [{ file: 'a.spec.ts', specs: [{ ok: true }] }] },
        { file: 'b.spec.ts', specs: [], suites: [{ file: 'b.spec.ts', specs: [{ ok: false }] }] },
      ],
      errors: [{ message: 'global setup failed' }],
    };
    expect(countReports({ vitest: [], playwright, root })).toEqual({
      passed: 4,
      failed: 1,
      skipped: 0,
      failedFiles: ['e2e/tests/b.spec.ts', 'e2e (outside any test)'],
    });
  });

  it('reads nothing when no tier ran', () => {
    expect(formatCounts(countReports({ root }))).toBe(
      'tests: 0 passed, 0 failed, 0 skipped; files: 0 failed',
    );
  });
});
