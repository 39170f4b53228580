import { describe, expect, it, vi } from 'vitest';
import { createConnectionErrorLog } from './connection-error-log';

describe('createConnectionErrorLog', () => {
  it('logs the first error at once, then at most one per interval with the count left out', () => {
    vi.useFakeTimers();
    try {
      const lines: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
      const push = (level: string) => (obj: object, msg?: string) =>
        lines.push({ level, msg, obj: obj as Record<string, unknown> });
      const logger = { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
      const log = createConnectionErrorLog(logger, { role: 'worker' }, { intervalMs: 30_000 });

      for (let i = 0; i < 100; i++) {
        log.onError(new Error('connect ECONNREFUSED'));
        vi.advanceTimersByTime(100); // ioredis retries every ~100 ms–2 s
      }
      expect(lines).toHaveLength(1);
      vi.advanceTimersByTime(30_000);
      log.onError(new Error('connect ECONNREFUSED'));
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatchObject({
        level: 'error',
        msg: 'redis connection error',
        obj: { suppressed: 99 },
      });

      log.onReady();
      expect(lines[2]).toMatchObject({
        level: 'warn',
        msg: 'redis connection restored',
        obj: { role: 'worker' },
      });
      expect(lines[2]!.obj.downMs).toBeGreaterThanOrEqual(40_000);
      log.onReady(); // a ready without an outage before it says nothing
      expect(lines).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
