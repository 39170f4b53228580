import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { limitBytes, peekHead } from './read-head';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('peekHead', () => {
  it('returns the first bytes across small chunks and still replays the whole body', async () => {
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
    const { head, body } = await peekHead(
      Readable.from([data.subarray(0, 2), data.subarray(2, 5), data.subarray(5)]),
      4,
    );
    expect(Buffer.from(head).toString()).toBe('abcd');
    expect((await collect(body)).toString()).toBe(data.toString());
  });
  it('handles a body shorter than the head, and an empty one', async () => {
    expect(Buffer.from((await peekHead(Readable.from([Buffer.from('ab')]), 32)).head).toString()).toBe('ab');
    const empty = await peekHead(Readable.from([]), 32);
    expect(empty.head).toHaveLength(0);
    expect(await collect(empty.body)).toHaveLength(0);
  });
});

describe('limitBytes', () => {
  const tooLarge = (seen: number, isComplete: boolean) => new Error(`${seen}:${isComplete}`);
  it('passes a body within the limit through untouched', async () => {
    expect(
      await collect(limitBytes(Readable.from([Buffer.alloc(5), Buffer.alloc(5)]), 10, tooLarge)),
    ).toHaveLength(10);
  });
  it('stops past the limit and reports the full size when it is within the counting cap', async () => {
    await expect(
      collect(limitBytes(Readable.from([Buffer.alloc(6), Buffer.alloc(6)]), 10, tooLarge)),
    ).rejects.toThrow('12:true');
  });
  it('gives up counting past the cap', async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(10));
    await expect(collect(limitBytes(Readable.from(chunks), 10, tooLarge, 30))).rejects.toThrow('40:false');
  });
});
