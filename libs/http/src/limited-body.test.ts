import { describe, expect, it } from 'vitest';
import { AppError } from '@fjord/errors';
import { readLimitedBytes } from './limited-body';

/** A POST whose body streams `chunks`, then breaks off when `breakOff` (as a client that went away). */
function post(chunks: string[], breakOff = false): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      if (breakOff) controller.error(new TypeError('terminated'));
      else controller.close();
    },
  });
  return new Request('http://fjord.test/x', { method: 'POST', body, duplex: 'half' } as RequestInit);
}

describe('readLimitedBytes', () => {
  it('reads a body within the limit whole', async () => {
    expect(Buffer.from(await readLimitedBytes(post(['ab', 'cd']), 4, 'The body')).toString()).toBe('abcd');
  });

  it('refuses past the limit without reading on', async () => {
    await expect(readLimitedBytes(post(['abc', 'de']), 4, 'The body')).rejects.toMatchObject({
      code: 'too_large',
    });
  });

  it('a body that breaks off is the client’s bad request, in words, not a server error', async () => {
    const err = await readLimitedBytes(post(['ab'], true), 1024, 'The JSON body').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: 'bad_request',
      message: 'The JSON body ended before it was complete.',
    });
  });
});
