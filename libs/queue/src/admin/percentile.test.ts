import { describe, expect, it } from 'vitest';
import { durationStats, percentile, perMinuteSeries } from './percentile';

describe('percentile', () => {
  it('uses the nearest rank and is null for no sample', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 95)).toBe(5);
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(durationStats(values)).toEqual({ p50: 50, p95: 95 });
    expect(percentile([1, 2, 3, 1000], 50)).toBe(2);
  });
});

describe('perMinuteSeries', () => {
  const minute = 60_000;
  const now = 1_000 * minute + 30_000;

  it('puts pending jobs in the minute of prevTS and older points before it', () => {
    const series = perMinuteSeries(
      { data: [4, 0, 2], meta: { prevTS: now - 5_000, count: 13, prevCount: 6 } },
      10,
      now,
    );
    expect(series).toEqual([0, 0, 0, 0, 0, 0, 2, 0, 4, 7]);
  });

  it('leaves the minutes after the last finished job empty and drops points older than the window', () => {
    const series = perMinuteSeries(
      { data: [1, 1, 1, 1], meta: { prevTS: now - 3 * minute, count: 9, prevCount: 8 } },
      4,
      now,
    );
    // prevTS minute = index 0 (pending 1); data points fall before the 4-minute window
    expect(series).toEqual([1, 0, 0, 0]);
  });

  it('is all zero when the queue never finished a job', () => {
    expect(perMinuteSeries({ data: [], meta: { prevTS: 0, count: 0, prevCount: 0 } }, 3, now)).toEqual([
      0, 0, 0,
    ]);
  });
});
