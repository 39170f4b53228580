import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateImages } from '../scale/scale-images';
import { problemsOf, runOutage, summaryOf, type OutageReport, type OutageTarget } from './outage-run';
import { startOutageStack, type OutageStack } from './outage-stack';

/**
 * The `npm test` variant of `npx tsx tests/outage/outage.ts --target <target>`: 15 s instead of 120, four
 * uploads acknowledged before the cut, three tried during it, one after. `expectDuring` says what an
 * upload tried while cut off may answer.
 */
export function describeShortOutage(target: OutageTarget, expectDuring: (r: OutageReport) => void) {
  const label = `${target}-outage`;
  describe(`${target} unreachable for 15 s from every process (web and the three workers)`, () => {
    let stack: OutageStack;
    beforeAll(async () => {
      stack = await startOutageStack(label);
    }, 150_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('acknowledged uploads end READY once each, new ones are refused or kept, every process recovers', async () => {
      const images = await generateImages(8, 7);
      const report = await runOutage(stack, {
        target,
        seconds: 15,
        before: images.slice(0, 4),
        during: images.slice(4, 7),
        after: images.slice(7),
        settleMs: 90_000,
        log: (line) => console.log(`[${label}] ${line}`),
      });
      console.log(`[${label}] ${summaryOf(report)}`);
      expect(problemsOf(report, { refusalMs: 10_000, recoveryMs: 60_000 })).toEqual([]);
      expectDuring(report);
    }, 240_000);
  });
}
