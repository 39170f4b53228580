import type { FileHandle } from 'node:fs/promises';

/**
 * Socket chunks are 16–64 KB: awaiting one `write` per chunk cost a thread-pool round trip each and kept
 * the disk idle while the next chunk was read (the largest CPU item of a 100 MB streamed upload in
 * `npm run bench -- --only ingest`). Batches of this size go to disk one at a time while the next fills.
 */
export const WRITE_BATCH_BYTES = 1024 * 1024;

async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await handle.write(data, offset, data.byteLength - offset);
    offset += bytesWritten;
  }
}

/**
 * Copies chunks into two alternating buffers (a caller may reuse its chunk once `write` resolves), writing
 * one while filling the other. `end()` resolves once every byte was written; `settle()` waits for a write
 * still in flight without throwing, so the handle can be closed after a failure.
 */
export function createBatchedFileWriter(handle: FileHandle, batchBytes = WRITE_BATCH_BYTES) {
  const buffers = [Buffer.allocUnsafe(batchBytes), Buffer.allocUnsafe(batchBytes)];
  let current = 0;
  let filled = 0;
  let inFlight: Promise<void> = Promise.resolve();

  async function flush(): Promise<void> {
    if (filled === 0) return;
    await inFlight;
    inFlight = writeFully(handle, buffers[current]!.subarray(0, filled));
    // Observed by the next flush or end(); without a handler a failure while the source is read
    // would be an unhandled rejection.
    inFlight.catch(() => undefined);
    current ^= 1;
    filled = 0;
  }

  return {
    async write(chunk: Uint8Array): Promise<void> {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const n = Math.min(batchBytes - filled, chunk.byteLength - offset);
        buffers[current]!.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === batchBytes) await flush();
      }
    },
    async end(): Promise<void> {
      await flush();
      await inFlight;
    },
    settle: () => inFlight.catch(() => undefined),
  };
}
