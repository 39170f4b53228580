import { describe, expect, it } from 'vitest';
import { clientIpOf } from './client-ip';

const xff = (value?: string) =>
  clientIpOf(new Headers(value === undefined ? {} : { 'x-forwarded-for': value }));

describe('clientIpOf', () => {
  it('takes the last hop only: what a client prepends does not change its bucket', () => {
    expect(xff('203.0.113.7')).toBe('203.0.113.7');
    expect(xff('1.2.3.4, 5.6.7.8, 203.0.113.7')).toBe('203.0.113.7');
    expect(xff('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts IPv6 per /64 and lumps anything else together', () => {
    expect(xff('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2/64');
    expect(xff('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2/64');
    expect(xff('2001:db8::1')).toBe('2001:db8:0:0/64');
    expect(xff('::1')).toBe('0:0:0:0/64');
    for (const bad of [undefined, '', 'evil{tag}', '999.1.1.1', 'a, ']) expect(xff(bad)).toBe('unknown');
  });
});
