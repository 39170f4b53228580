import { createHmac, timingSafeEqual } from 'node:crypto';

/** `Fjord-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` */
export function signWebhookPayload(opts: { secret: string; body: string; timestamp: number }): string {
  const mac = createHmac('sha256', opts.secret).update(`${opts.timestamp}.${opts.body}`).digest('hex');
  return `t=${opts.timestamp},v1=${mac}`;
}

/**
 * True when `header` signs exactly `body` with `secret` and is no older than `toleranceSeconds`
 * (default 5 minutes; replayed old deliveries are refused). Pass the raw body, before JSON.parse.
 */
export function verifyWebhookSignature(opts: {
  secret: string;
  header: string | null | undefined;
  body: string;
  toleranceSeconds?: number;
  now?: Date;
}): boolean {
  const parts = new Map<string, string[]>();
  for (const piece of (opts.header ?? '').split(',')) {
    const [k, v] = piece.trim().split('=', 2);
    if (k && v) parts.set(k, [...(parts.get(k) ?? []), v]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t)) return false;
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(
    signWebhookPayload({ secret: opts.secret, body: opts.body, timestamp: t }).split('v1=')[1]!,
  );
  return (parts.get('v1') ?? []).some((sig) => {
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
