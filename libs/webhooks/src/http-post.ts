import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './ssrf-guard';

export type PostResult = { statusCode: number; durationMs: number };

/**
 * POSTs to the already-resolved address (the `lookup` hook hands back the checked IP, so DNS is not asked
 * again: no rebinding), with TLS still verified against the URL's host name. Redirects are not followed
 * (a 3xx is a failed attempt); the whole attempt is bounded by timeoutMs; at most 64 KB of reply is read.
 */
export function postToTarget(opts: {
  target: ResolvedTarget;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}): Promise<PostResult> {
  const { target } = opts;
  const started = performance.now();
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        timeout: opts.timeoutMs,
        headers: { ...opts.headers, 'Content-Length': Buffer.byteLength(opts.body) },
        agent: false,
      },
      (res) => {
        let seen = 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 64 * 1024) res.destroy();
        });
        const done = () =>
          resolve({ statusCode: res.statusCode ?? 0, durationMs: Math.round(performance.now() - started) });
        res.on('end', done);
        res.on('close', done);
      },
    );
    const deadline = setTimeout(
      () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
