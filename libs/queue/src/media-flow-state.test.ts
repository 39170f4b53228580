import { describe, expect, it } from 'vitest';
import { mediaFlowStateOf } from './media-flow-state';

describe('mediaFlowStateOf (the one definition of a live flow)', () => {
  it('is live while the notify root exists and has not finished', () => {
    for (const state of ['waiting-children', 'waiting', 'prioritized', 'delayed', 'active']) {
      expect(mediaFlowStateOf(state)).toBe('live');
    }
  });
  it('is finished once the root completed or failed, and missing without a root', () => {
    expect(mediaFlowStateOf('completed')).toBe('finished');
    expect(mediaFlowStateOf('failed')).toBe('finished');
    for (const none of [undefined, null, 'unknown']) expect(mediaFlowStateOf(none)).toBe('missing');
  });
});
