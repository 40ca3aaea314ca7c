import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarizeLatencies, type LatencySummary } from './stats';

/**
 * Calls at a fixed rate, each made on schedule whatever the calls before it did (open loop), timed
 * from its scheduled moment to its end, so a stall shows in full in the latencies instead of
 * delaying the calls behind it (no coordinated omission).
 */

export interface PacedRun {
  sent: number;
  /** Acknowledged calls per second: acknowledgements over the time from the first call to the last answer. */
  acksPerSecond: number;
  latency: LatencySummary;
  /** Answers other than an acknowledgement, by what they were (an HTTP status, an error type). */
  non2xx: Record<string, number>;
  /** No answer (connection error, timeout). */
  failures: number;
  /** Calls made more than 5 ms after their schedule (the sender could not keep up). */
  late: number;
}

/** What a call came to: acknowledged, refused (named), or failed without an answer. */
export type CallOutcome = { ack: true } | { ack: false; refused: string } | { ack: false };

export async function pacedCalls(options: {
  rate: number;
  durationMs: number;
  /** Makes call `seq`; prepares it too (e.g. signs it), so preparing counts as being late. */
  call: (seq: number) => Promise<CallOutcome>;
}): Promise<PacedRun> {
  const { rate, durationMs, call } = options;
  const latencies: number[] = [];
  const non2xx: Record<string, number> = {};
  let failures = 0;
  let late = 0;
  let acks = 0;
  let lastAnswer = 0;
  const inFlight: Promise<void>[] = [];
  const total = Math.round((rate * durationMs) / 1000);
  const begun = performance.now();

  const make = async (seq: number, due: number) => {
    const outcome = await call(seq).catch((): CallOutcome => ({ ack: false }));
    const now = performance.now();
    lastAnswer = Math.max(lastAnswer, now);
    if (outcome.ack) {
      acks += 1;
      latencies.push(now - due);
    } else if ('refused' in outcome) {
      non2xx[outcome.refused] = (non2xx[outcome.refused] ?? 0) + 1;
    } else {
      failures += 1;
    }
  };

  for (let seq = 0; seq < total; seq += 1) {
    const due = begun + (seq * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (performance.now() - due > 5) late += 1;
    inFlight.push(make(seq, due));
  }
  await Promise.all(inFlight);
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
