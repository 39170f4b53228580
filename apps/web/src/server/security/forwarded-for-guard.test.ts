import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { installForwardedForGuard } from './forwarded-for-guard';

let server: http.Server | undefined;
let undo: (() => void) | undefined;
afterEach(async () => {
  undo?.();
  undo = undefined;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

/** What a handler (Next, in production) sees of X-Forwarded-For for a request that claims 6.6.6.6. */
async function seenForwardedFor(): Promise<string> {
  server = http.createServer((req, res) => res.end(req.headers['x-forwarded-for'] ?? '(none)'));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': '6.6.6.6' } });
  return res.text();
}

describe('forwarded-for guard (TRUST_PROXY=false)', () => {
  it('drops the header a client sends, before any request listener sees it', async () => {
    undo = installForwardedForGuard();
    expect(await seenForwardedFor()).toBe('(none)');
  });

  it('without it, the client-chosen address would reach the app', async () => {
    expect(await seenForwardedFor()).toBe('6.6.6.6');
  });
});
