import type http from 'node:http';

/** node:http ↔ fetch Request glue, so a bench or a test process can put the web app's real handlers behind a real socket. */

/**
 * The socket as a web stream that honours backpressure (pauses the socket while the consumer is behind).
 * Node 20's Readable.toWeb reads eagerly and buffered ~600 MB of a 2 GB upload in an earlier run.
 */
function toWebStream(req: http.IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => controller.close());
        req.once('error', (err) => controller.error(err));
      },
      pull() {
        req.resume();
      },
      cancel() {
        req.destroy();
      },
    },
    { highWaterMark: 16 },
  );
}

export function toWebRequest(req: http.IncomingMessage, port: number): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === 'string') headers.set(name, value);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`http://127.0.0.1:${port}${req.url}`, {
    method: req.method,
    headers,
    body: hasBody ? toWebStream(req) : undefined,
    duplex: 'half',
  } as RequestInit);
}
