import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostSampler, hostWarnings } from './host-sampler';

const proc = mkdtempSync(path.join(os.tmpdir(), 'fjord-proc-'));
afterAll(() => rmSync(proc, { recursive: true, force: true }));

/** /proc/stat's aggregate line: user nice system idle iowait irq softirq steal (USER_HZ ticks). */
function writeStat(t: { busy: number; idle: number; iowait: number; steal: number }) {
  writeFileSync(
    path.join(proc, 'stat'),
    `cpu  ${t.busy} 0 0 ${t.idle} ${t.iowait} 0 0 ${t.steal} 0 0\ncpu0 ${t.busy} 0 0 ${t.idle} ${t.iowait} 0 0 ${t.steal} 0 0\n`,
  );
}

describe('host warnings (console and alerts): steal or iowait high for over a minute', () => {
  it('warns only once steal has stayed above 10 % for a minute, and stops when it drops', async () => {
    let clock = 0;
    const sampler = createHostSampler({ procDir: proc, host: 'unit-host', now: () => clock });
    const ticks = { busy: 0, idle: 0, iowait: 0, steal: 0 };
    // Each interval: 100 ticks, `steal` and `iowait` of them as given.
    const step = async (ms: number, steal: number, iowait: number) => {
      clock += ms;
      ticks.steal += steal;
      ticks.iowait += iowait;
      ticks.busy += 100 - steal - iowait - 10;
      ticks.idle += 10;
      writeStat(ticks);
      return sampler.sample();
    };
    writeStat(ticks);
    expect(hostWarnings(await sampler.sample())).toEqual([]);

    const high = await step(15_000, 30, 0);
    expect(high.steal).toBeCloseTo(0.3);
    expect(high.stealHighSince).toBe(15_000);
    expect(hostWarnings(high)).toEqual([]); // high, not for a minute yet
    expect(hostWarnings(await step(45_000, 25, 0))).toEqual([]); // 45 s
    const long = await step(15_000, 40, 0); // 60 s
    expect(hostWarnings(long)).toEqual(['CPU steal above 10% for over a minute: a noisy neighbour']);
    const calm = await step(15_000, 2, 0);
    expect(calm.stealHighSince).toBeNull();
    expect(hostWarnings(calm)).toEqual([]);
  });

  it('warns about iowait above 20 % for a minute (a slow disk), not about 20 % itself', async () => {
    let clock = 0;
    const sampler = createHostSampler({ procDir: proc, host: 'unit-host-2', now: () => clock });
    const ticks = { busy: 0, idle: 0, iowait: 0, steal: 0 };
    writeStat(ticks);
    await sampler.sample();
    const samples = [];
    for (const iowait of [50, 50, 50, 50, 50]) {
      clock += 15_000;
      ticks.iowait += iowait;
      ticks.busy += 100 - iowait;
      writeStat(ticks);
      samples.push(await sampler.sample());
    }
    expect(samples.map((s) => hostWarnings(s).length)).toEqual([0, 0, 0, 0, 1]);
    expect(hostWarnings(samples.at(-1)!)[0]).toMatch(/^iowait above 20% for over a minute/);

    clock += 15_000;
    ticks.iowait += 20; // exactly at the threshold: not above it
    ticks.busy += 80;
    writeStat(ticks);
    expect((await sampler.sample()).iowaitHighSince).toBeNull();
  });
});
