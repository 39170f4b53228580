import net, { type AddressInfo } from 'node:net';

export type TcpProxy = {
  port: number;
  /** Stops listening and cuts every open connection: the next connect gets ECONNREFUSED. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /**
   * Stops forwarding what clients send (open and new connections stay up): a request in flight waits
   * for an answer that never comes, the way a frozen server looks from outside. `unstall` resumes.
   */
  stall(): void;
  unstall(): void;
  close(): Promise<void>;
};

/** A loopback TCP proxy the test controls, to make a real dependency unreachable and bring it back. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const links = new Map<net.Socket, net.Socket>();
  let isStalled = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    links.set(client, upstream);
    client.on('close', () => links.delete(client));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    if (isStalled) {
      client.unpipe(upstream);
      client.pause();
    }
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    port,
    cut,
    restore: () => listen(port),
    stall() {
      isStalled = true;
      for (const [client, upstream] of links) {
        client.unpipe(upstream);
        client.pause();
      }
    },
    unstall() {
      isStalled = false;
      for (const [client, upstream] of links) client.pipe(upstream);
    },
    close: () => (server.listening ? cut() : Promise.resolve()),
  };
}
