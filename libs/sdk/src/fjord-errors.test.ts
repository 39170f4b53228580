import { describe, expect, it } from 'vitest';
import { FjordApiError, isQuotaError } from './fjord-errors';

describe('isQuotaError', () => {
  it('is true for the two quota codes only', () => {
    expect(isQuotaError(new FjordApiError(413, 'quota_exceeded', 'full'))).toBe(true);
    expect(isQuotaError(new FjordApiError(429, 'daily_quota_exceeded', 'today'))).toBe(true);
    expect(isQuotaError(new FjordApiError(429, 'rate_limited', 'slow down'))).toBe(false);
    expect(isQuotaError(new Error('quota_exceeded'))).toBe(false);
  });
});
