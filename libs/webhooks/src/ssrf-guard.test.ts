import { describe, expect, it } from 'vitest';
import { isPublicAddress, resolveWebhookTarget } from './ssrf-guard';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '2001:db8::1',
    'not an ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('resolveWebhookTarget', () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a name that resolves to any private address, and pins the resolved one otherwise', async () => {
    await expect(
      resolveWebhookTarget('https://hooks.example.com/x', {
        allowPrivate: false,
        resolve: resolveTo('8.8.8.8', '10.0.0.1'),
      }),
    ).rejects.toThrow(/private, loopback or reserved/);
    const ok = await resolveWebhookTarget('https://hooks.example.com/x', {
      allowPrivate: false,
      resolve: resolveTo('8.8.4.4'),
    });
    expect(ok).toMatchObject({ address: '8.8.4.4', family: 4 });
  });

  it('refuses literal private IPs, other schemes and credentials; allowPrivate lets loopback through', async () => {
    await expect(resolveWebhookTarget('http://127.0.0.1:8080/', { allowPrivate: false })).rejects.toThrow(
      /private/,
    );
    await expect(resolveWebhookTarget('http://[::ffff:127.0.0.1]/', { allowPrivate: false })).rejects.toThrow(
      /private/,
    );
    await expect(resolveWebhookTarget('ftp://example.com/', { allowPrivate: false })).rejects.toThrow(/http/);
    await expect(resolveWebhookTarget('https://u:p@example.com/', { allowPrivate: false })).rejects.toThrow(
      /credentials/,
    );
    expect((await resolveWebhookTarget('http://127.0.0.1:8080/', { allowPrivate: true })).address).toBe(
      '127.0.0.1',
    );
  });
});
