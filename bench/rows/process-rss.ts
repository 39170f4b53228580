import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const MB = 1024 * 1024;

function statusOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The process and its descendants (`next start` may run the server in a child). Linux only. */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const task of readdirSync(`/proc/${tree[i]}/task`, { withFileTypes: false })) {
      try {
        const children = readFileSync(`/proc/${tree[i]}/task/${task}/children`, 'utf8').trim();
        if (children) tree.push(...children.split(/\s+/).map(Number));
      } catch {
        // The task ended while being read.
      }
    }
  }
  return tree;
}

const kbField = (status: string | undefined, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status ?? '')?.[1] ?? 0) * 1024;

/**
 * Summed over the tree: current RSS and the peak since the last reset. Linux keeps the peak in VmHWM
 * and resets it to the current RSS on `echo 5 > /proc/<pid>/clear_refs`, so start-up does not count.
 */
export function treeRss(pid: number, reset = false): { rssMb: number; peakMb: number } {
  let rss = 0;
  let peak = 0;
  for (const p of processTree(pid)) {
    const status = statusOf(p);
    rss += kbField(status, 'VmRSS');
    peak += kbField(status, 'VmHWM');
    if (reset) writeFileSync(`/proc/${p}/clear_refs`, '5');
  }
  return { rssMb: rss / MB, peakMb: peak / MB };
}
