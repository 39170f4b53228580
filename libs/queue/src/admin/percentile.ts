import type { DurationStats } from './queue-admin.types';

/** Nearest-rank percentile (p in 0..100) of unsorted values; null for an empty sample. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function durationStats(values: readonly number[]): DurationStats {
  return { p50: percentile(values, 50), p95: percentile(values, 95) };
}

/**
 * BullMQ's metrics (collectMetrics.lua): `count` counts every finished job; when a job finishes in a
 * later minute than `prevTS`, the jobs since `prevCount` are pushed as the point of prevTS's minute
 * (plus zeros for silent minutes) and prevTS moves on. So data[k] is minute(prevTS) − 1 − k and
 * count − prevCount is still pending in minute(prevTS). Returns `minutes` points, oldest first,
 * the last one being the current minute.
 */
export function perMinuteSeries(
  metrics: { data: number[]; meta: { prevTS: number; count: number; prevCount: number } },
  minutes: number,
  now: number,
): number[] {
  const series = new Array<number>(minutes).fill(0);
  if (metrics.meta.prevTS === 0) return series;
  const nowMinute = Math.floor(now / 60_000);
  const lastMinute = Math.floor(metrics.meta.prevTS / 60_000);
  const add = (minute: number, value: number) => {
    const index = minutes - 1 - (nowMinute - minute);
    if (index >= 0 && index < minutes) series[index]! += value;
  };
  add(lastMinute, Math.max(0, metrics.meta.count - metrics.meta.prevCount));
  metrics.data.forEach((value, k) => add(lastMinute - 1 - k, value));
  return series;
}
