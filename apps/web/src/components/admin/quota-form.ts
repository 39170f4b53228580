import { formatBytes } from '../format';
import { formatLimit } from './admin-format';

/** The three limits of docs/adr/0021, in the order the panel lists them. */
export const QUOTA_KEYS = ['storageBytes', 'uploadsPerDay', 'videoMinutesPerDay'] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];
export type QuotaOverrides = Record<QuotaKey, number | null>;
export type QuotaDrafts = Record<QuotaKey, string>;

export const QUOTA_LABELS: Record<QuotaKey, string> = {
  storageBytes: 'Storage',
  uploadsPerDay: 'Uploads per day',
  videoMinutesPerDay: 'Video minutes per day',
};

// Storage is typed in GB (1024³ bytes, as formatBytes counts): a power of two, so bytes → GB → bytes is exact.
const GB = 1024 ** 3;

export function formatQuotaLimit(key: QuotaKey, limit: number): string {
  return key === 'storageBytes' ? formatLimit(limit, formatBytes) : formatLimit(limit);
}

/** An override as the form shows it: empty for the config default. */
export function toQuotaDrafts(overrides: QuotaOverrides): QuotaDrafts {
  const draft = (key: QuotaKey) => {
    const value = overrides[key];
    if (value === null) return '';
    return String(key === 'storageBytes' ? value / GB : value);
  };
  return {
    storageBytes: draft('storageBytes'),
    uploadsPerDay: draft('uploadsPerDay'),
    videoMinutesPerDay: draft('videoMinutesPerDay'),
  };
}

/**
 * The drafts against the saved overrides: setUserQuota's input with only what changed (absent =
 * unchanged), and the fields that are no number at all. Ranges and whole numbers are left to the
 * server's schema, whose words the panel shows (readableQuotaError).
 */
export function diffQuotaDrafts(
  drafts: QuotaDrafts,
  saved: QuotaOverrides,
): { changes: Partial<QuotaOverrides>; invalid: Partial<Record<QuotaKey, string>> } {
  const changes: Partial<QuotaOverrides> = {};
  const invalid: Partial<Record<QuotaKey, string>> = {};
  for (const key of QUOTA_KEYS) {
    const text = drafts[key].trim();
    const n = Number(text);
    if (text !== '' && !Number.isFinite(n)) {
      invalid[key] = 'Enter a number, 0 for unlimited, or nothing for the default.';
      continue;
    }
    const value = text === '' ? null : key === 'storageBytes' ? Math.round(n * GB) : n;
    // Rounded to whole bytes, a tiny size would become 0, which means unlimited.
    if (value === 0 && n !== 0) {
      invalid[key] = 'Less than one byte; 0 means unlimited.';
      continue;
    }
    if (value !== saved[key]) changes[key] = value;
  }
  return { changes, invalid };
}

/** "Uploads per day 1, Storage back to the default" — what a confirmed save will do. */
export function describeQuotaChanges(changes: Partial<QuotaOverrides>): string {
  return QUOTA_KEYS.filter((key) => changes[key] !== undefined)
    .map((key) => {
      const value = changes[key]!;
      return `${QUOTA_LABELS[key]} ${value === null ? 'back to the default' : formatQuotaLimit(key, value)}`;
    })
    .join(', ');
}

type QuotaError = {
  message: string;
  data?: { fieldErrors?: Partial<Record<string, string[]>> | null } | null;
};

/** The server's validation errors under the panel's own field names. */
export function readableQuotaError(err: QuotaError): string {
  const fields = err.data?.fieldErrors ?? {};
  const parts = QUOTA_KEYS.flatMap((key) =>
    fields[key]?.length ? [`${QUOTA_LABELS[key]}: ${fields[key].join(', ')}`] : [],
  );
  return parts.length ? `Not saved. ${parts.join('; ')}.` : err.message;
}
