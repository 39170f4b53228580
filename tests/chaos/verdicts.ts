/**
 * The verdicts of a long battery script: one `ok`/`FAIL` line per check, then the last line the battery
 * runner reads (`<name>: N passed, N failed`) and an exit code that says the same.
 */
export function createVerdicts(name: string) {
  const counts = { passed: 0, failed: 0 };
  const log = (line: string) => console.log(`[${name}] ${line}`);
  /** Records one check; prints its first `shown` problems. */
  function check(label: string, problems: string[], shown = 5): boolean {
    if (problems.length === 0) counts.passed++;
    else counts.failed++;
    const detail = problems.length ? `: ${problems.slice(0, shown).join('; ')}` : '';
    log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${label}${detail}`);
    return problems.length === 0;
  }
  function finish(): never {
    log(`${name}: ${counts.passed} passed, ${counts.failed} failed`);
    process.exit(counts.failed > 0 ? 1 : 0);
  }
  return { log, check, finish };
}
