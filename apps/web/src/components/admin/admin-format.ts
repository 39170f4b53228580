export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function formatPercent(rate: number | null): string {
  return rate == null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 2 : 1)} %`;
}

export function formatAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 60 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}

/** A quota's limit: 0 means unlimited (docs/adr/0021). */
export function formatLimit(limit: number, format: (n: number) => string = formatCount): string {
  return limit === 0 ? 'unlimited' : format(limit);
}
