import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testConfig, uniquePrefix } from './test-config';

describe('uniquePrefix', () => {
  it('is a valid QUEUE_PREFIX and differs on every call', () => {
    const prefixes = new Set(Array.from({ length: 50 }, () => uniquePrefix('media flow:1')));
    expect(prefixes.size).toBe(50);
    for (const p of prefixes) expect(p).toMatch(/^[a-zA-Z0-9_-]+$/);
  });
});

describe('testConfig', () => {
  it('isolates each config: own data dir and queue prefix, silent logs', () => {
    const a = testConfig();
    const b = testConfig();
    expect(a.LOG_LEVEL).toBe('silent');
    expect(a.dataDir).not.toBe(b.dataDir);
    expect(existsSync(a.dataDir)).toBe(true);
    expect(a.QUEUE_PREFIX).not.toBe(b.QUEUE_PREFIX);
    expect(a.storageDir.startsWith(a.dataDir)).toBe(true);
  });

  it('lets overrides win', () => {
    const c = testConfig({ UPLOAD_MAX_BYTES: '1024', QUEUE_PREFIX: 'mine' });
    expect(c.UPLOAD_MAX_BYTES).toBe(1024);
    expect(c.QUEUE_PREFIX).toBe('mine');
  });
});
