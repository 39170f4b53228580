import { describe, expect, it } from 'vitest';
import { closeOnSignal, type SignalTarget } from './close-on-signal';

function fakeProcess() {
  const listeners: Record<string, () => void> = {};
  const exits: (number | undefined)[] = [];
  const target: SignalTarget = {
    on: (signal, listener) => (listeners[signal] = listener),
    exit: ((code?: number) => void exits.push(code)) as SignalTarget['exit'],
  };
  return { target, exits, signal: (s: 'SIGTERM' | 'SIGINT') => listeners[s]!() };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('closeOnSignal', () => {
  it('closes the services when Next exits after draining, not at the signal, then exits with its code', async () => {
    const p = fakeProcess();
    const events: string[] = [];
    closeOnSignal({
      target: p.target,
      isNextHandlingSignals: true,
      close: async () => void events.push('closed'),
      onError: () => undefined,
    });
    p.signal('SIGTERM');
    await tick();
    expect(events).toEqual([]); // requests may still be running: nothing closed yet
    p.target.exit(143); // Next, once its server has drained
    await tick();
    expect(events).toEqual(['closed']);
    expect(p.exits).toEqual([143]);
  });

  it('closes and exits by itself when Next leaves the signals alone (NEXT_MANUAL_SIG_HANDLE)', async () => {
    const p = fakeProcess();
    let closed = 0;
    closeOnSignal({
      target: p.target,
      isNextHandlingSignals: false,
      close: async () => void closed++,
      onError: () => undefined,
    });
    p.signal('SIGINT');
    p.signal('SIGTERM'); // a second signal does not close twice
    await tick();
    expect(closed).toBe(1);
    expect(p.exits).toEqual([0]);
  });

  it('still exits when closing fails or hangs', async () => {
    const p = fakeProcess();
    const errors: unknown[] = [];
    closeOnSignal({
      target: p.target,
      isNextHandlingSignals: false,
      close: () => new Promise(() => undefined),
      onError: (err) => errors.push(err),
      timeoutMs: 10,
    });
    p.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    expect(p.exits).toEqual([0]);
  });
});
