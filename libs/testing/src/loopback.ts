import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import net from 'node:net';

/** Listens on 127.0.0.1 on a port the OS picks (faults stay on loopback); resolves with that port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * A loopback port nothing listens on (the OS just handed it out, and it was closed again): a connection
 * to it is refused at once, which is what "the server is down" looks like.
 */
export async function closedLoopbackPort(): Promise<number> {
  const probe = net.createServer();
  const port = await listenOnLoopback(probe);
  probe.close();
  await once(probe, 'close');
  return port;
}
