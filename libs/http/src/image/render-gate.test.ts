import { describe, expect, it } from 'vitest';
import { isAppError } from '@fjord/errors';
import { createRenderGate } from './render-gate';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('render gate', () => {
  it('runs one render for concurrent calls with the same key', async () => {
    const gate = createRenderGate({ concurrency: 2, queue: 0 });
    let renders = 0;
    const block = deferred();
    const calls = Array.from({ length: 5 }, () =>
      gate.run('k', async () => {
        renders++;
        await block.promise;
        return 'done';
      }),
    );
    block.resolve();
    expect(await Promise.all(calls)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(renders).toBe(1);
    expect(gate.stats()).toEqual({ running: 0, waiting: 0, keys: 0 });
  });

  it('queues past the concurrency and refuses with unavailable past the queue', async () => {
    const gate = createRenderGate({ concurrency: 1, queue: 1, retryAfterSeconds: 2 });
    const block = deferred();
    const order: string[] = [];
    const a = gate.run('a', async () => {
      order.push('a');
      await block.promise;
    });
    const b = gate.run('b', async () => {
      order.push('b');
    });
    const refused = await gate.run('c', async () => undefined).catch((err: unknown) => err);
    expect(isAppError(refused) && refused.code).toBe('unavailable');
    expect(isAppError(refused) && refused.details).toEqual({ retryAfterSeconds: 2 });
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 1 });
    block.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(gate.stats()).toEqual({ running: 0, waiting: 0, keys: 0 });
  });

  it('frees the slot when a render fails', async () => {
    const gate = createRenderGate({ concurrency: 1, queue: 0 });
    await expect(gate.run('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run('x', async () => 7)).toBe(7);
  });
});
