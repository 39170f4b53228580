import { describe, expect, it } from 'vitest';
import { parseWorkerName, workerName } from './queue-workers.service';

describe('worker names', () => {
  it('round-trip host, pid, version and concurrency through a Redis-safe client name', () => {
    const name = workerName({ host: 'node-1.example', pid: 4242, version: '1.4.0-rc.1', concurrency: 2 });
    expect(name).toMatch(/^[\w.-]+$/);
    expect(parseWorkerName(name)).toEqual({
      host: 'node-1.example',
      pid: 4242,
      version: '1.4.0-rc.1',
      concurrency: 2,
    });
  });

  it('leaves names it did not make unparsed', () => {
    expect(parseWorkerName('some-other-worker')).toEqual({
      host: null,
      pid: null,
      version: null,
      concurrency: null,
    });
  });
});
