import { isIP } from 'node:net';

/**
 * The throttle subject of the client: the last X-Forwarded-For hop, i.e. the address that connected to
 * the outermost server we trust. Behind a proxy (TRUST_PROXY=true) that is what the proxy appended; the
 * hops before it are the client's own claims and are ignored. Without one, apps/web drops any
 * X-Forwarded-For a client sends (forwarded-for-guard) and Next fills in the socket address. IPv6 counts
 * per /64, the block one subscriber gets; anything unparsable falls into one shared 'unknown' bucket.
 */
export function clientIpOf(headers: Headers): string {
  const last = headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() ?? '';
  const ip = last.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const version = isIP(ip);
  if (version === 4) return ip;
  if (version === 6) return `${ipv6Slash64(ip)}/64`;
  return 'unknown';
}

function ipv6Slash64(ip: string): string {
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':');
}
