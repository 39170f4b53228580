import { describe, expect, it } from 'vitest';
import { AppError, httpStatusForCode } from './app-error';
import { isStorageFullError, storageFullError } from './storage-full';

const errno = (code: string) => Object.assign(new Error(`${code}: something`), { code });

describe('isStorageFullError', () => {
  it('recognises the typed error, raw ENOSPC/EDQUOT and either one as a cause', () => {
    expect(isStorageFullError(storageFullError())).toBe(true);
    expect(isStorageFullError(errno('ENOSPC'))).toBe(true);
    expect(isStorageFullError(errno('EDQUOT'))).toBe(true);
    expect(isStorageFullError(new Error('render failed', { cause: errno('ENOSPC') }))).toBe(true);
    expect(storageFullError(errno('ENOSPC')).cause).toMatchObject({ code: 'ENOSPC' });
  });

  it('is false for the file’s own faults and for other infrastructure errors', () => {
    expect(isStorageFullError(new AppError('too_large', 'too big'))).toBe(false);
    expect(isStorageFullError(errno('ENOENT'))).toBe(false);
    expect(isStorageFullError(errno('EACCES'))).toBe(false);
    expect(isStorageFullError(new Error('No space left on device'))).toBe(false);
    expect(isStorageFullError(undefined)).toBe(false);
    expect(isStorageFullError('ENOSPC')).toBe(false);
  });

  it('maps to 507 Insufficient Storage', () => {
    expect(httpStatusForCode('storage_full')).toBe(507);
    expect(storageFullError().message).toMatch(/storage is full.*Nothing was kept/);
  });
});
