import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('next.config.ts', () => {
  it('imports only packages: `next start` compiles it at run time, and the web image ships no src/', () => {
    const source = readFileSync(path.join(import.meta.dirname, '../next.config.ts'), 'utf8');
    const specifiers = [...source.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]/g)].map(
      (m) => m[1] ?? m[2],
    );
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => s!.startsWith('.') || s!.startsWith('/'))).toEqual([]);
  });
});
