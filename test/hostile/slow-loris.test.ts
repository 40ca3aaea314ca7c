// Slow clients and bursts against the HTTP process as production serves it (createApp + serve, the
// server timeouts of src/http/serve.ts, shortened here so the suite stays quick), in front of a real
// Temporal dev server. While hundreds of connections drip their requests byte by byte, or send
// nothing at all, valid signed deliveries are still acknowledged promptly, and the server closes
// the slow ones itself (408 request_timeout). A burst of 2,000 requests at once gets an explicit
// answer for every one: valid deliveries 200 (or 503 with Retry-After), never a reset.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_TIMEOUTS } from '../../src/http/serve';
import { kycWorkflowId } from '../../src/contract/ids';
import { captureLogs, type CapturedLogs } from '../fixtures/captured-logs';
import {
  delivery,
  exchange,
  json,
  kycDelivery,
  requestBytes,
  signedDelivery,
  startHostileApp,
  startHostileTemporal,
  WEBHOOK_PATH,
  type HostileTemporal,
  type RawAnswer,
  type RawRequest,
} from '../helpers/hostile';
import { VERIFICATION_REVIEW_WORKFLOW } from '../../src/contract/workflow-types';

/** Production's (10 s, 15 s, 5 s) shortened, so a test waits seconds for them, not minutes. */
const TIMEOUTS = {
  headersTimeoutMs: 3_000,
  requestTimeoutMs: 4_500,
  keepAliveTimeoutMs: 1_000,
  checkIntervalMs: 200,
};
const TARGET_USER = `user-slow-${randomUUID()}`;
const TARGET = kycWorkflowId(TARGET_USER);

interface SlowClient {
  kind: 'headers' | 'body' | 'silent';
  openedAt: number;
  /** When the server closed the connection (undefined while it is open). */
  closedAt?: number;
  received: string;
  /** Bytes sent before the server closed it. */
  sent: number;
  closed: Promise<void>;
}

/** A connection sending `bytes` one at a time, every `everyMs`, from byte `from` on. */
function drip(
  port: number,
  kind: SlowClient['kind'],
  bytes: Buffer,
  from: number,
  everyMs: number,
) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  const client: SlowClient = {
    kind,
    openedAt: Date.now(),
    received: '',
    sent: 0,
    closed: undefined as unknown as Promise<void>,
  };
  let timer: NodeJS.Timeout | undefined;
  client.closed = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => (client.received += chunk.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      client.closedAt = Date.now();
      resolve();
    });
  });
  socket.on('connect', () => {
    if (from > 0) socket.write(bytes.subarray(0, from));
    client.sent = from;
    if (kind === 'silent') return;
    timer = setInterval(() => {
      if (client.sent >= bytes.length || socket.destroyed) return;
      socket.write(bytes.subarray(client.sent, client.sent + 1));
      client.sent += 1;
    }, everyMs);
  });
  return { client, destroy: () => socket.destroy() };
}

/**
 * The kernel's count of connections dropped because an accept queue was full (Linux), or
 * undefined where it cannot tell or its own limit is below the burst.
 */
function listenOverflows(): number | undefined {
  try {
    if (Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8')) < 2_048) return undefined;
    const [names, values] = readFileSync('/proc/net/netstat', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('TcpExt:'))
      .map((line) => line.split(/\s+/));
    const at = names?.indexOf('ListenOverflows') ?? -1;
    return at > 0 ? Number(values?.[at]) : undefined;
  } catch {
    return undefined;
  }
}

function status(answer: RawAnswer): string {
  const outcome = answer.json?.error?.code ?? answer.json?.outcome;
  return answer.error ?? `${answer.status} ${typeof outcome === 'string' ? outcome : ''}`;
}

describe('slow clients and bursts', () => {
  let temporal: HostileTemporal;
  let logs: CapturedLogs;

  beforeAll(async () => {
    temporal = await startHostileTemporal();
    logs = captureLogs('warn');
    await temporal.env.client.workflow.start(VERIFICATION_REVIEW_WORKFLOW, {
      taskQueue: `no-worker-${randomUUID()}`,
      workflowId: TARGET,
      args: [],
    });
  });

  afterAll(async () => {
    await temporal?.stop();
  });

  async function signalsLanded(): Promise<number> {
    const history = await temporal.env.client.workflow.getHandle(TARGET).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  }

  it('production keeps the timeouts tight (serve.ts), so the shortened ones here are the same policy', () => {
    expect(SERVER_TIMEOUTS.headersTimeoutMs).toBeLessThanOrEqual(10_000);
    expect(SERVER_TIMEOUTS.requestTimeoutMs).toBeLessThanOrEqual(30_000);
    expect(SERVER_TIMEOUTS.keepAliveTimeoutMs).toBeLessThanOrEqual(5_000);
    expect(SERVER_TIMEOUTS.checkIntervalMs).toBeLessThanOrEqual(1_000);
  });

  it('acknowledges valid deliveries promptly while 200 slow connections hang, then closes them', async () => {
    const app = await startHostileApp({
      client: temporal.client,
      logger: logs.logger,
      rejectedRequestsPerMinute: 1_000_000,
      timeouts: TIMEOUTS,
    });
    const slow: ReturnType<typeof drip>[] = [];
    try {
      // Warm: the first signal of a process pays for setting up its Temporal calls.
      const warm = await exchange(app.port, signedDelivery(json(kycDelivery(TARGET_USER))));
      expect(status(warm)).toBe('200 signalled');
      for (let i = 0; i < 200; i += 1) {
        const bytes = requestBytes(signedDelivery(json(kycDelivery(TARGET_USER))));
        const headEnd = bytes.indexOf('\r\n\r\n') + 4;
        const kind = i % 3 === 0 ? 'headers' : i % 3 === 1 ? 'body' : 'silent';
        // Headers byte by byte; or the headers at once and the body byte by byte; or nothing.
        slow.push(drip(app.port, kind, bytes, kind === 'body' ? headEnd : 0, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(slow.every(({ client }) => client.closedAt === undefined)).toBe(true);

      // While they hang: 20 valid deliveries at once, each acknowledged within 2 s (on a loaded
      // machine; an idle one takes milliseconds), all before any slow connection timed out.
      temporal.recorder.reset();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          exchange(app.port, signedDelivery(json(kycDelivery(TARGET_USER)))),
        ),
      );
      expect(answers.map(status)).toEqual(Array(20).fill('200 signalled'));
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(2_000);
      expect(slow.filter(({ client }) => client.closedAt !== undefined)).toEqual([]);
      // None of the slow requests got through: only the 20 valid deliveries were signalled.
      expect(temporal.recorder.calls).toHaveLength(20);

      // The server closes every slow connection itself, with a 408 in the shared error shape.
      await Promise.all(slow.map(({ client }) => client.closed));
      for (const { client } of slow) {
        const limit =
          client.kind === 'body' ? TIMEOUTS.requestTimeoutMs : TIMEOUTS.headersTimeoutMs;
        const lived = client.closedAt! - client.openedAt;
        expect(lived, client.kind).toBeGreaterThanOrEqual(limit - 100);
        expect(lived, client.kind).toBeLessThan(limit + 2_500);
        expect(client.received, client.kind).toMatch(/^HTTP\/1\.1 408 /);
        expect(client.received, client.kind).toContain('"code":"request_timeout"');
      }
      expect(temporal.recorder.calls).toHaveLength(20);

      // And it serves on.
      const after = await exchange(app.port, signedDelivery(json(kycDelivery(TARGET_USER))));
      expect(status(after)).toBe('200 signalled');
    } finally {
      for (const { destroy } of slow) destroy();
      await app.close();
    }
  });

  it('answers every request of a 2,000-request burst explicitly; valid deliveries 200 or 503, never reset', async () => {
    // Low enough that the burst's refusals reach it: refused ones then get 429.
    const app = await startHostileApp({
      client: temporal.client,
      logger: logs.logger,
      rejectedRequestsPerMinute: 300,
      timeouts: { ...TIMEOUTS, requestTimeoutMs: 15_000, headersTimeoutMs: 10_000 },
    });
    try {
      const forgedUser = `user-forged-${randomUUID()}`;
      type Kind = 'target' | 'unknown-user' | 'ignored' | 'forged' | 'unsigned' | 'bad-json';
      const make = (kind: Kind): RawRequest => {
        switch (kind) {
          case 'target':
            return signedDelivery(json(kycDelivery(TARGET_USER)));
          case 'unknown-user':
            return signedDelivery(json(kycDelivery(`user-none-${randomUUID()}`)));
          case 'ignored':
            return signedDelivery(json(delivery('something.ingo.adds.later')));
          case 'forged':
            return signedDelivery(json(kycDelivery(forgedUser)), { secret: 'guess' });
          case 'unsigned':
            return { path: WEBHOOK_PATH, body: json(kycDelivery(forgedUser)) };
          case 'bad-json':
            return signedDelivery(Buffer.from('{"event":'));
        }
      };
      const mix: Kind[] = [];
      for (let i = 0; i < 2_000; i += 1) {
        mix.push(
          (
            [
              'target',
              'unknown-user',
              'ignored',
              'ignored',
              'forged',
              'unsigned',
              'bad-json',
            ] as const
          )[i % 7]!,
        );
      }
      const landedBefore = await signalsLanded();
      const overflowsBefore = listenOverflows();
      temporal.recorder.reset();
      const began = Date.now();
      const answers = await Promise.all(
        mix.map((kind) => exchange(app.port, make(kind), { timeoutMs: 25_000 })),
      );
      const took = Date.now() - began;

      const tally = new Map<string, number>();
      mix.forEach((kind, i) => {
        const key = `${kind}: ${status(answers[i]!)}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      });
      console.info(`burst of 2,000 answered in ${took} ms`, Object.fromEntries(tally));
      // Not one handshake dropped for a full accept queue (serve.ts's listen backlog), where the
      // kernel tells (Linux, with room for the burst in net.core.somaxconn).
      if (overflowsBefore !== undefined) expect(listenOverflows()! - overflowsBefore).toBe(0);

      const allowed: Record<Kind, string[]> = {
        target: ['200 signalled', '503 temporal_unavailable'],
        'unknown-user': ['200 workflow_not_found', '503 temporal_unavailable'],
        ignored: ['200 ignored'],
        forged: ['401 invalid_signature', '429 too_many_rejected_requests'],
        unsigned: ['401 invalid_signature', '429 too_many_rejected_requests'],
        // Authentic: never throttled, whatever else the address sent.
        'bad-json': ['400 invalid_json'],
      };
      const unexpected = [...tally.keys()].filter((key) => {
        const [kind, answer] = key.split(': ') as [Kind, string];
        return !allowed[kind].includes(answer);
      });
      expect(unexpected).toEqual([]);
      // A 503 must say when to come back.
      for (const answer of answers.filter((a) => a.status === 503)) {
        expect(answer.headers['retry-after']).toBeDefined();
      }
      // The limit did kick in, for refused requests only.
      expect(answers.some((a) => a.status === 429)).toBe(true);

      // Only the valid KYC deliveries reached Temporal, one signal each; nothing for the forged user.
      const signals = temporal.recorder.calls;
      expect(signals.every((call) => call.kind === 'signal')).toBe(true);
      expect(signals.filter((call) => call.workflowId === kycWorkflowId(forgedUser))).toEqual([]);
      const kyc = mix.filter((kind) => kind === 'target' || kind === 'unknown-user').length;
      expect(signals.length).toBeGreaterThanOrEqual(kyc);
      const acknowledged = answers.filter((a, i) => mix[i] === 'target' && a.status === 200).length;
      const landed = (await signalsLanded()) - landedBefore;
      // Everything acknowledged landed (a 503'd one may have landed too: Ingo's retry is deduped).
      expect(landed).toBeGreaterThanOrEqual(acknowledged);
      expect(landed).toBeLessThanOrEqual(mix.filter((kind) => kind === 'target').length);

      // And it serves on.
      const after = await exchange(app.port, signedDelivery(json(kycDelivery(TARGET_USER))));
      expect(status(after)).toBe('200 signalled');
      expect(logs.entries().filter((entry) => entry.level >= 50)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
