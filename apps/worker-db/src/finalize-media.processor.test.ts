import { describe, expect, it } from 'vitest';
import { describeFailures } from './finalize-media.processor';

describe('describeFailures', () => {
  it('keeps the children’s human reasons, once each', () => {
    expect(
      describeFailures(['The image file is corrupt or truncated', 'The image file is corrupt or truncated ']),
    ).toBe('The image file is corrupt or truncated');
    expect(describeFailures(['A', 'B'])).toBe('A; B');
  });
  it('falls back to a general sentence when no reason survived', () => {
    expect(describeFailures([])).toBe('Processing could not be completed');
    expect(describeFailures(['  '])).toBe('Processing could not be completed');
  });
});
