import { createServer, STATUS_CODES, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
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

/**
 * Connections the kernel may hold for us until they are accepted (it caps this at
 * net.core.somaxconn). Node's default, 511, overflows when a burst opens more at once: the kernel
 * then drops the handshakes and every client waits for its SYN retransmission (1 s, 3 s, 7 s…),
 * which a burst of 2,000 webhook deliveries turned into answers taking up to 16 s instead of 4 s.
 */
export const LISTEN_BACKLOG = 4_096;

/** What a request Node's parser refused (or gave up waiting for) is answered, by error code. */
function clientErrorAnswer(code: string | undefined): [number, string, string] {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'the request did not arrive in time'];
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'headers_too_large', 'request headers too large'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'body_too_large', 'chunk extensions too large'];
    default:
      return [400, 'malformed_request', 'the request is not valid HTTP/1.1'];
  }
}

/**
 * Requests that never reach a handler (a malformed request line or header, a NUL byte, two
 * Content-Lengths, headers over the limit, a client too slow for the timeouts above) are answered
 * in the shared error shape (src/http/errors.ts) rather than Node's bare status line, so even
 * these get a machine-readable code. As Node's own default: an answer only when no response has
 * begun on the socket, then the socket is dropped.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const [status, code, message] = clientErrorAnswer(error.code);
    const body = JSON.stringify({ error: { code, message } });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

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
  backlog?: number;
}

export async function serve(
  handler: RequestListener,
  { host, port, logger, name, timeouts = SERVER_TIMEOUTS, backlog = LISTEN_BACKLOG }: ServeOptions,
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
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, backlog, () => {
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
