import http from 'node:http';
import { pacedCalls, type CallOutcome, type PacedRun } from './paced';

/**
 * HTTP requests at a fixed rate (`pacedCalls`: open loop, timed from each one's schedule to the
 * end of its answer), over keep-alive connections, as many as the requests in flight need. A 2xx
 * is an acknowledgement; each request is built (signed) when it is due.
 */

export interface PacedRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export async function pacedRequests(options: {
  baseUrl: string;
  rate: number;
  durationMs: number;
  build: (seq: number) => PacedRequest;
  timeoutMs?: number;
}): Promise<PacedRun> {
  const { build, timeoutMs = 15_000 } = options;
  const base = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const send = (request: PacedRequest) =>
    new Promise<CallOutcome>((resolve) => {
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          method: request.method,
          path: request.path,
          headers: request.headers,
          agent,
          timeout: timeoutMs,
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve(
              status >= 200 && status < 300
                ? { ack: true }
                : { ack: false, refused: String(status) },
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ ack: false }));
      req.end(request.body);
    });
  try {
    return await pacedCalls({
      rate: options.rate,
      durationMs: options.durationMs,
      call: (seq) => send(build(seq)),
    });
  } finally {
    agent.destroy();
  }
}
