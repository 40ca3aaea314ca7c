import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (Temporal's gRPC port), so a test can take the server away from
 * a client connected through it: `cut()` resets every open connection and refuses new ones, as a
 * crashed server does; `stall()` holds every byte in both directions, as a black-holed route does
 * (nothing is refused, nothing arrives); `restore()` lets connections and held bytes through again.
 */
export interface TcpProxy {
  /** `127.0.0.1:<port>`: connect here instead of to the target. */
  address: string;
  cut(): void;
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Splits `host:port` (IPv6 hosts in brackets) into what `net.connect` takes. */
function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port <= 0) {
    throw new Error(`not a host:port address: ${address}`);
  }
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const upstream = hostAndPort(target);
  const open = new Set<Socket>();
  let state: 'open' | 'cut' | 'stalled' = 'open';

  const server = createServer((client) => {
    if (state === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const backend = connect(upstream);
    for (const [socket, peer] of [
      [client, backend],
      [backend, client],
    ] as const) {
      open.add(socket);
      socket.pipe(peer);
      if (state === 'stalled') socket.pause();
      // Either side going away takes the other with it, as a real connection would.
      socket.on('error', () => peer.destroy());
      socket.on('close', () => {
        open.delete(socket);
        peer.destroy();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    cut() {
      state = 'cut';
      for (const socket of open) socket.resetAndDestroy();
    },
    stall() {
      state = 'stalled';
      for (const socket of open) socket.pause();
    },
    restore() {
      state = 'open';
      for (const socket of open) socket.resume();
    },
    async close() {
      state = 'cut';
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
