import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarizeLatencies, type LatencySummary } from './stats';

/**
 * HTTP requests at a fixed rate, each sent on schedule whatever the answers before it did (open
 * loop), timed from its scheduled moment to the end of its answer, so a stall shows in full in the
 * latencies instead of delaying the requests behind it (no coordinated omission). Keep-alive
 * connections, as many as the requests in flight need.
 */

export interface PacedRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface PacedRun {
  sent: number;
  /** 2xx answers per second: 2xx answers over the time from the first send to the last answer. */
  acksPerSecond: number;
  latency: LatencySummary;
  /** Answers other than 2xx, by status. */
  non2xx: Record<string, number>;
  /** No answer (connection error, timeout). */
  failures: number;
  /** Requests sent more than 5 ms after their schedule (the sender could not keep up). */
  late: number;
}

export async function pacedRequests(options: {
  baseUrl: string;
  rate: number;
  durationMs: number;
  build: (seq: number) => PacedRequest;
  timeoutMs?: number;
}): Promise<PacedRun> {
  const { rate, durationMs, build, timeoutMs = 15_000 } = options;
  const base = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const latencies: number[] = [];
  const non2xx: Record<string, number> = {};
  let failures = 0;
  let late = 0;
  let acks = 0;
  let lastAnswer = 0;
  const inFlight: Promise<void>[] = [];
  const total = Math.round((rate * durationMs) / 1000);
  const begun = performance.now();

  const send = (request: PacedRequest, due: number) =>
    new Promise<void>((resolve) => {
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
            const now = performance.now();
            lastAnswer = Math.max(lastAnswer, now);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              acks += 1;
              latencies.push(now - due);
            } else {
              non2xx[status] = (non2xx[status] ?? 0) + 1;
            }
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failures += 1;
        resolve();
      });
      req.end(request.body);
    });

  for (let seq = 0; seq < total; seq += 1) {
    const due = begun + (seq * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const request = build(seq);
    if (performance.now() - due > 5) late += 1;
    inFlight.push(send(request, due));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const elapsed = (lastAnswer || performance.now()) - begun;
  return {
    sent: total,
    acksPerSecond: elapsed > 0 ? acks / (elapsed / 1000) : Number.NaN,
    latency: summarizeLatencies(latencies),
    non2xx,
    failures,
    late,
  };
}
