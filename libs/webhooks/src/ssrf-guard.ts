import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@fjord/errors';

// Every range a webhook must not reach: loopback, private, link-local (cloud metadata), CGNAT,
// multicast, reserved, documentation and benchmarking nets — IPv4 and IPv6.
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped/compatible IPv6 one (::ffff:a.b.c.d or ::ffff:7f00:1). */
function embeddedIPv4(address: string): string | undefined {
  const m = /^::(?:ffff:)?(?:0:)?([\d.]+|[0-9a-f]{1,4}:[0-9a-f]{1,4})$/i.exec(address);
  if (!m?.[1]) return undefined;
  if (m[1].includes('.')) return m[1];
  const [hi, lo] = m[1].split(':').map((h) => parseInt(h, 16)) as [number, number];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIPv4(address);
  if (v4) return isIP(v4) === 4 && !blocked.check(v4, 'ipv4');
  return !blocked.check(address, 'ipv6');
}

export type ResolvedTarget = { url: URL; address: string; family: 4 | 6 };
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Parses a webhook URL and resolves its host once; every resolved address must be public unless
 * allowPrivate. The caller connects to the returned address, so a second DNS answer (rebinding) is never used.
 */
export async function resolveWebhookTarget(
  raw: string,
  opts: { allowPrivate: boolean; resolve?: Resolver },
): Promise<ResolvedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('bad_request', 'The webhook URL is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AppError('bad_request', 'A webhook URL must use http or https.');
  if (url.username || url.password)
    throw new AppError('bad_request', 'A webhook URL must not contain credentials.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const answers = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await (opts.resolve ?? systemResolver)(host).catch(() => []);
  if (answers.length === 0) throw new AppError('bad_request', `The webhook host ${host} does not resolve.`);
  if (!opts.allowPrivate && answers.some((a) => !isPublicAddress(a.address))) {
    throw new AppError(
      'bad_request',
      `The webhook host ${host} resolves to a private, loopback or reserved address; Fjord only calls public addresses.`,
    );
  }
  const first = answers[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
