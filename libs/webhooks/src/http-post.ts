import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './ssrf-guard';

export type PostResult = { statusCode: number; durationMs: number };

/**
 * POSTs to the already-resolved address (the `lookup` hook hands back the checked IP, so DNS is not asked
 * again: no rebinding), with TLS still verified against the URL's host name. Redirects are not followed
 * (a 3xx is a failed attempt); the whole attempt is bounded by timeoutMs; at most 64 KB of reply is read;
 * a reply that ends before its last byte (connection reset mid-response) is a failed attempt.
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
        let isCapped = false;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 64 * 1024) {
            isCapped = true;
            res.destroy();
          }
        });
        const done = () =>
          resolve({ statusCode: res.statusCode ?? 0, durationMs: Math.round(performance.now() - started) });
        res.on('end', done);
        // A reply cut short by the target (reset, crash, a proxy giving up) is not an answer, whatever
        // its status line said: the attempt fails and is retried; Fjord-Event-Id lets receivers dedupe.
        res.on('close', () => {
          if (res.complete || isCapped) done();
          else reject(new Error(`connection lost mid-response (HTTP ${res.statusCode}, reply cut short)`));
        });
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
