import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type S3Fault = { status: 500 | 503; code: 'InternalError' | 'ServiceUnavailable' | 'SlowDown' };

export type HttpFaultProxy = {
  url: string;
  /** The next `count` requests get `fault` (after their body is read); the rest pass through. */
  failNext(count: number, fault: S3Fault): void;
  /** Every request gets `fault` until `pass()`. */
  failAll(fault: S3Fault): void;
  pass(): void;
  /** Requests answered with a fault so far, and requests passed through. */
  counts(): { faulted: number; passed: number };
  close(): Promise<void>;
};

const MESSAGES: Record<S3Fault['code'], string> = {
  InternalError: 'We encountered an internal error. Please try again.',
  ServiceUnavailable: 'Please reduce your request rate.',
  SlowDown: 'Please reduce your request rate.',
};

/**
 * A loopback HTTP proxy in front of an S3 server that answers what a real S3 answers when it is
 * overloaded or broken — 500 InternalError, 503 ServiceUnavailable / SlowDown, as S3's XML error body —
 * for the next N requests or until told to pass again. Everything else is forwarded untouched.
 */
export async function startHttpFaultProxy(target: string): Promise<HttpFaultProxy> {
  const upstream = new URL(target);
  let remaining = 0;
  let always: S3Fault | undefined;
  let next: S3Fault | undefined;
  const counts = { faulted: 0, passed: 0 };

  const server = http.createServer((req, res) => {
    const fault = always ?? (remaining > 0 ? next : undefined);
    if (fault) {
      if (!always) remaining--;
      counts.faulted++;
      // Read the body first, as S3 does, so the client sees the answer rather than a reset.
      req.resume();
      req.once('end', () => {
        const body =
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code>` +
          `<Message>${MESSAGES[fault.code]}</Message><RequestId>fault-proxy</RequestId></Error>`;
        res.writeHead(fault.status, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      });
      return;
    }
    counts.passed++;
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failNext(count, fault) {
      remaining = count;
      next = fault;
    },
    failAll(fault) {
      always = fault;
    },
    pass() {
      always = undefined;
      remaining = 0;
    },
    counts: () => ({ ...counts }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
