import { describe, expect, it } from 'vitest';
import * as proc from './host-proc.parser';

// Captured on the 2-core build VM (kernel 6.1), 2026-12-02, a few seconds apart.
const STAT_BEFORE = `cpu  39340 0 13159 67180 1403 0 941 2567 0 0
cpu0 18393 0 5551 36509 314 0 272 1198 0 0
cpu1 20946 0 7607 30670 1089 0 668 1368 0 0
intr 4177301 0 9 0 0 0 0 0 0 0
ctxt 9395640
`;
const STAT_AFTER = `cpu  39540 0 13259 67480 1503 0 941 2667 0 0
cpu0 18493 0 5601 36609 364 0 272 1248 0 0
`;
const DISKSTATS_BEFORE = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 98789 17006 3169530 26932 60373 137849 7644120 144009 0 30372 181340 11637 45 843992 3200 12586 7196
 254       1 vda1 98000 17000 3160000 26900 60000 137800 7640000 143900 0 30300 181200 0 0 0 0 0 0
 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 259       0 nvme0n1 10 0 80 5 0 0 0 0 0 5 5 0 0 0 0 0 0
`;
const DISKSTATS_AFTER = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 98889 17006 3170330 27032 60473 137849 7645120 146009 0 30372 181340 11637 45 843992 3200 12586 7196
 254       1 vda1 98100 17000 3160800 27032 60100 137800 7641000 145900 0 30300 181200 0 0 0 0 0 0
 253       0 zram0 5 0 0 100 0 0 0 0 0 0 0 0 0 0 0 0 0
 259       0 nvme0n1 10 0 80 5 0 0 0 0 0 5 5 0 0 0 0 0 0
`;

describe('/proc/stat', () => {
  it('reads the aggregate cpu line and turns two reads into steal and iowait shares', () => {
    const before = proc.parseProcStat(STAT_BEFORE)!;
    expect(before).toEqual({ total: 39340 + 13159 + 67180 + 1403 + 941 + 2567, steal: 2567, iowait: 1403 });
    // 800 ticks passed: 100 of them stolen, 100 in iowait.
    expect(proc.cpuRatios(before, proc.parseProcStat(STAT_AFTER)!)).toEqual({ steal: 0.125, iowait: 0.125 });
  });

  it('has no ratio without progress, and no line in text that is not /proc/stat', () => {
    const same = proc.parseProcStat(STAT_BEFORE)!;
    expect(proc.cpuRatios(same, same)).toBeNull();
    expect(proc.parseProcStat('intr 1 2 3\n')).toBeNull();
  });
});

describe('/proc/loadavg and /proc/pressure', () => {
  it('reads the three load averages', () => {
    expect(proc.parseLoadAvg('1.64 1.74 0.95 4/294 14690\n')).toEqual({
      '1m': 1.64,
      '5m': 1.74,
      '15m': 0.95,
    });
    expect(proc.parseLoadAvg('')).toBeNull();
  });

  it('reads "some avg10" as a ratio (the kernel writes percent)', () => {
    const io =
      'some avg10=12.50 avg60=0.41 avg300=1.05 total=12752478\nfull avg10=0.04 avg60=0.25 avg300=0.67 total=9478291\n';
    expect(proc.parsePressureSomeAvg10(io)).toBe(0.125);
    expect(proc.parsePressureSomeAvg10('full avg10=1.00 avg60=0 avg300=0 total=0\n')).toBeNull();
  });
});

describe('/proc/diskstats', () => {
  it('keeps whole disks only (no loop, zram or partitions)', () => {
    expect([...proc.parseDiskStats(DISKSTATS_BEFORE).keys()]).toEqual(['vda', 'nvme0n1']);
  });

  it('gives mean seconds per IO between two reads, 0 for an idle disk', () => {
    const latency = proc.diskLatencySeconds(
      proc.parseDiskStats(DISKSTATS_BEFORE),
      proc.parseDiskStats(DISKSTATS_AFTER),
    );
    // vda: 200 IOs (100 reads + 100 writes) took 100 + 2000 ms.
    expect(latency.get('vda')).toBeCloseTo(2100 / 200 / 1000, 9);
    expect(latency.get('nvme0n1')).toBe(0);
    expect(latency.has('zram0')).toBe(false);
  });
});
