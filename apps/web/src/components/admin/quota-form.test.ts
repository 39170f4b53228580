import { describe, expect, it } from 'vitest';
import { describeQuotaChanges, diffQuotaDrafts, readableQuotaError, toQuotaDrafts } from './quota-form';

const GB = 1024 ** 3;
const defaults = { storageBytes: null, uploadsPerDay: null, videoMinutesPerDay: null };

describe('quota form', () => {
  it('sends only the fields that changed: empty = default (null), 0 = unlimited, storage typed in GB', () => {
    const saved = { storageBytes: 2 * GB, uploadsPerDay: 10, videoMinutesPerDay: null };
    const drafts = { ...toQuotaDrafts(saved), storageBytes: '', videoMinutesPerDay: '0' };
    expect(toQuotaDrafts(saved)).toEqual({ storageBytes: '2', uploadsPerDay: '10', videoMinutesPerDay: '' });
    const { changes, invalid } = diffQuotaDrafts(drafts, saved);
    expect(changes).toEqual({ storageBytes: null, videoMinutesPerDay: 0 });
    expect(invalid).toEqual({});
    expect(describeQuotaChanges(changes)).toBe(
      'Storage back to the default, Video minutes per day unlimited',
    );
    expect(describeQuotaChanges(diffQuotaDrafts({ ...drafts, storageBytes: '0.5' }, saved).changes)).toMatch(
      /^Storage 512\.0 MB/,
    );
  });

  it('an odd byte count survives the GB round trip, so an untouched field is not sent', () => {
    const saved = { ...defaults, storageBytes: 123_456_789 };
    expect(diffQuotaDrafts(toQuotaDrafts(saved), saved).changes).toEqual({});
  });

  it('refuses what is no number, and a size so small it would round to 0 (unlimited)', () => {
    const drafts = { storageBytes: '1e-12', uploadsPerDay: 'lots', videoMinutesPerDay: '' };
    const { changes, invalid } = diffQuotaDrafts(drafts, defaults);
    expect(Object.keys(invalid)).toEqual(['storageBytes', 'uploadsPerDay']);
    expect(changes).toEqual({});
  });

  it('leaves ranges to the server, and names its field errors as the panel does', () => {
    const drafts = { storageBytes: '', uploadsPerDay: '-1', videoMinutesPerDay: '1.5' };
    expect(diffQuotaDrafts(drafts, defaults).changes).toEqual({ uploadsPerDay: -1, videoMinutesPerDay: 1.5 });
    const err = {
      message: 'uploadsPerDay: at most 2147483647',
      data: { fieldErrors: { uploadsPerDay: ['at most 2147483647'] } },
    };
    expect(readableQuotaError(err)).toBe('Not saved. Uploads per day: at most 2147483647.');
    expect(readableQuotaError({ message: 'This user does not exist.', data: { fieldErrors: null } })).toBe(
      'This user does not exist.',
    );
  });
});
