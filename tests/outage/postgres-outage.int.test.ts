import { expect } from 'vitest';
import { describeShortOutage } from './short-outage';

// Without Postgres nothing can be recorded: every upload is refused, 503 + Retry-After, never a 500.
describeShortOutage('postgres', (report) => {
  expect(report.during.map((a) => a.status)).toEqual(report.during.map(() => 503));
});
