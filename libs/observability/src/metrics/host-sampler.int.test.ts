import { describe, expect, it } from 'vitest';
import { getMetrics } from './fjord-metrics';
import { createHostSampler, hostWarnings } from './host-sampler';

describe('host sampler on this machine’s real /proc', () => {
  it('gives steal/iowait shares, load, pressure and per-disk latency, and exports them as gauges', async () => {
    const sampler = createHostSampler({ host: 'int-test-host' });
    const first = await sampler.sample();
    expect(first.steal).toBeNull(); // a ratio needs two reads
    // Some CPU time has to pass between the reads (USER_HZ is 100: 10 ms ticks).
    await new Promise<void>((resolve) => {
      const until = Date.now() + 200;
      const spin = () => (Date.now() < until ? setImmediate(spin) : resolve());
      spin();
    });
    const second = await sampler.sample();
    expect(second.steal).toBeGreaterThanOrEqual(0);
    expect(second.steal).toBeLessThanOrEqual(1);
    expect(second.iowait).toBeGreaterThanOrEqual(0);
    expect(second.iowait).toBeLessThanOrEqual(1);
    expect(second.load?.['1m']).toBeGreaterThanOrEqual(0);
    expect(second.cpus).toBeGreaterThan(0);
    for (const device of Object.keys(second.diskLatencySeconds))
      expect(device).not.toMatch(/^(loop|zram|ram|dm-)/);
    expect(hostWarnings(second)).toEqual([]); // nothing has been high for a minute yet

    const text = await getMetrics().registry.metrics();
    expect(text).toContain(`fjord_host_cpu_steal_ratio{host="int-test-host"} ${second.steal}`);
    expect(text).toContain(`fjord_host_load_average{host="int-test-host",period="1m"} ${second.load!['1m']}`);
    if (second.pressure.io !== undefined)
      expect(text).toContain(`fjord_host_pressure_ratio{host="int-test-host",resource="io"}`);
  });
});
