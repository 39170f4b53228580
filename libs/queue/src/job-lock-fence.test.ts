import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { JobLockLostError, writeFenced } from './job-lock-fence';

/** A job whose lock answers `held` in turn, one answer per check (extendLock is BullMQ's check). */
function jobWithLock(...held: boolean[]) {
  const checks: boolean[] = [];
  const job = {
    id: 'j1',
    token: 'tok',
    extendLock: async () => {
      const isHeld = held[checks.length] ?? false;
      checks.push(isHeld);
      return isHeld ? 1 : 0;
    },
  } as unknown as Job;
  return { job, checks };
}

describe('writeFenced', () => {
  it('writes and keeps the write while the lock is held before and after', async () => {
    const { job, checks } = jobWithLock(true, true);
    const undone: string[] = [];
    await expect(
      writeFenced(
        job,
        async () => 'put',
        async () => undone.push('x'),
      ),
    ).resolves.toBe('put');
    expect(checks).toEqual([true, true]);
    expect(undone).toEqual([]);
  });

  it('writes nothing once another worker owns the job', async () => {
    const { job } = jobWithLock(false);
    const writes: string[] = [];
    const write = async () => writes.push('put');
    await expect(writeFenced(job, write, async () => undefined)).rejects.toBeInstanceOf(JobLockLostError);
    expect(writes).toEqual([]);
  });

  it('takes the write back when the lock was lost while writing, even if the undo fails', async () => {
    const { job } = jobWithLock(true, false);
    const undone: string[] = [];
    const undo = async () => {
      undone.push('delete');
      throw new Error('storage down');
    };
    await expect(writeFenced(job, async () => 'put', undo)).rejects.toBeInstanceOf(JobLockLostError);
    expect(undone).toEqual(['delete']);
  });

  it('a job without a token (called directly, not by a worker) has no lock to lose', async () => {
    const job = { id: 'j2' } as unknown as Job;
    await expect(
      writeFenced(
        job,
        async () => 42,
        async () => undefined,
      ),
    ).resolves.toBe(42);
  });
});
