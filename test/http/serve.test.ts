// serve(): the timeouts every HTTP door listens with, and its graceful close.

import type { RequestListener } from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { serve, SERVER_TIMEOUTS } from '../../src/http/serve';
import { captureLogs } from '../fixtures/captured-logs';

const TIMEOUTS = {
  requestTimeoutMs: 800,
  headersTimeoutMs: 500,
  keepAliveTimeoutMs: 300,
  checkIntervalMs: 100,
};

/** A raw client, so the test controls exactly what is sent and when. */
async function connect(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = once(socket, 'close');
  return { socket, received: () => received, closed };
}

describe('serve', () => {
  const { logger } = captureLogs();
  /** By default answers once the whole body has arrived, as the body parsers do. */
  const readsBody: RequestListener = (req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  };
  const start = (handler: RequestListener = readsBody) =>
    serve(handler, {
      host: '127.0.0.1',
      port: 0,
      logger,
      name: 'test server',
      timeouts: TIMEOUTS,
    });

  it('keeps the production timeouts tight', () => {
    expect(SERVER_TIMEOUTS).toEqual({
      requestTimeoutMs: 15_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      checkIntervalMs: 1_000,
    });
  });

  it('drops a client that never finishes its headers, and one that stalls its body', async () => {
    const server = await start();
    try {
      const slowHeaders = await connect(server.url);
      slowHeaders.socket.write('POST /webhooks/ingo HTTP/1.1\r\nHost: x\r\n');
      const slowBody = await connect(server.url);
      slowBody.socket.write(
        'POST /webhooks/ingo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"partial":',
      );
      const began = Date.now();
      await Promise.all([slowHeaders.closed, slowBody.closed]);
      expect(Date.now() - began).toBeLessThan(3_000);
      expect(slowHeaders.received()).toMatch(/^HTTP\/1\.1 408/);
      expect(slowBody.received()).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await server.close();
    }
  });

  it('closes gracefully: a request in flight finishes, new connections are refused', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await start((_req, res) => {
      void held.then(() => res.end('late but whole'));
    });
    const inFlight = fetch(`${server.url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close(5_000);
    await expect(fetch(`${server.url}/new`)).rejects.toThrow();
    release();
    const answer = await inFlight;
    expect(await answer.text()).toBe('late but whole');
    await closing;
  });
});
