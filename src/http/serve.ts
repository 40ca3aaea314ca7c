import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/**
 * Every HTTP door listens through here: tight timeouts, so a slow or stalled client cannot hold a
 * socket (Ingo expects an answer to a webhook within seconds anyway), and a graceful close that
 * lets requests in flight finish before the process exits.
 */

export const SERVER_TIMEOUTS = {
  /** The whole request, body included. */
  requestTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  /** How often Node checks the two above (its default, 30 s, would let them run that much over). */
  checkIntervalMs: 1_000,
};
export type ServerTimeouts = typeof SERVER_TIMEOUTS;

export interface RunningServer {
  server: Server;
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  url: string;
  /** Stops accepting, waits for requests in flight (at most `graceMs`), then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

export interface ServeOptions {
  host: string;
  port: number;
  logger: Logger;
  name: string;
  timeouts?: ServerTimeouts;
}

export async function serve(
  handler: RequestListener,
  { host, port, logger, name, timeouts = SERVER_TIMEOUTS }: ServeOptions,
): Promise<RunningServer> {
  const server = createServer(
    {
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    handler,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url }, `${name} listening`);

  let closing: Promise<void> | undefined;
  return {
    server,
    url,
    close(graceMs = timeouts.requestTimeoutMs) {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          logger.info({ url }, `${name} closed`);
          resolve();
        });
        // Keep-alive sockets with no request in flight would otherwise hold close() open.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
