import { describe, expect, it } from 'vitest';
import { AppError } from '@fjord/errors';
import { classifyJobFailure } from '@fjord/queue';
import { reviveError, serializeError } from './isolated-render';

/** What crosses the pipe is structured-cloned: a round trip through JSON is at least as strict. */
const acrossThePipe = (err: unknown) =>
  reviveError(JSON.parse(JSON.stringify(serializeError(err))) as ReturnType<typeof serializeError>);

describe('an isolated render’s error across the IPC pipe', () => {
  it('keeps a starved decoder’s infrastructure meaning, so the job waits instead of failing', () => {
    const starved = Object.assign(new Error('This worker was too busy to decode the HEIC image'), {
      code: 'internal',
      isPermanent: false,
      cause: new AppError('unavailable', 'the child had 3 ms of CPU in 30000 ms'),
    });
    expect(classifyJobFailure(acrossThePipe(starved)).kind).toBe('infrastructure');
  });

  it('keeps a file’s own failure permanent with its sentence, and adds no cause to it', () => {
    const corrupt = Object.assign(new Error('The image file is corrupt or truncated'), {
      code: 'unsupported_type',
      isPermanent: true,
    });
    const revived = acrossThePipe(corrupt);
    expect(classifyJobFailure(revived)).toMatchObject({
      kind: 'input',
      message: 'The image file is corrupt or truncated',
    });
    expect(revived.cause).toBeUndefined();
  });
});
