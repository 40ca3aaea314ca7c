import autocannon from 'autocannon';
import type { PacedRequest } from './paced-http';

/**
 * How many deliveries a receiver acknowledges per second when driven as hard as a fixed number of
 * connections can (closed loop, autocannon): its ceiling. Every request is built afresh (a new
 * event id, signed at the moment), through autocannon's `setupRequest`.
 */

export interface SaturationRun {
  acksPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export async function saturate(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  build: (seq: number) => PacedRequest;
}): Promise<SaturationRun> {
  let seq = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        setupRequest: (request) => {
          const built = options.build(seq++);
          return {
            ...request,
            method: built.method,
            path: built.path,
            headers: built.headers,
            body: built.body,
          };
        },
      },
    ],
  });
  return {
    acksPerSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
