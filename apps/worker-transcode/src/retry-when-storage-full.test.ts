import { describe, expect, it } from 'vitest';
import { STORAGE_FULL_MAX_DELAY_MS, storageFullDelayMs } from './retry-when-storage-full';

describe('storageFullDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([0, 1, 2, 3].map((w) => storageFullDelayMs(w, 200))).toEqual([200, 400, 800, 1600]);
    expect(storageFullDelayMs(50, 200)).toBe(STORAGE_FULL_MAX_DELAY_MS);
    expect(storageFullDelayMs(10_000, 1_000)).toBe(STORAGE_FULL_MAX_DELAY_MS);
    expect(storageFullDelayMs(-1, 200)).toBe(200);
  });
});
