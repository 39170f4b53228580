import { expect } from 'vitest';
import { describeShortOutage } from './short-outage';

// Postgres is the source of truth for work: an upload stored while Redis is away is answered 202 (status
// UPLOADED) and the reconciler queues it once Redis is back; it must end READY like the others.
describeShortOutage('redis', (report) => {
  expect(report.during.every((a) => a.status === 202 || a.status === 503)).toBe(true);
  expect(report.during.length).toBeGreaterThan(0);
});
