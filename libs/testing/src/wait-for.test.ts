import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first value that is not undefined, null or false', async () => {
    let calls = 0;
    const value = await waitFor(async () => (++calls >= 3 ? { calls } : calls === 1 ? false : undefined), {
      intervalMs: 1,
    });
    expect(value).toEqual({ calls: 3 });
  });

  it('treats a thrown error as "not yet" and reports the last one on timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('row not there');
        },
        { timeoutMs: 30, intervalMs: 5, message: 'media READY' },
      ),
    ).rejects.toThrow(/timed out after 30 ms \(media READY\); last error: row not there/);
  });

  it('returns 0 and empty strings, which are real values', async () => {
    expect(await waitFor(() => 0)).toBe(0);
    expect(await waitFor(() => '')).toBe('');
  });
});
