// Temporal going away under the webhook receiver: its client reaches the dev server through a TCP
// proxy that the test cuts or stalls. Ingo must get a quick 503 with Retry-After (so it delivers
// again), and the redelivery must reach the KYC review, once, when Temporal is back.

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/ingo/signing';
import { kycWorkflowId } from '../../src/contract/ids';
import { reviewProgressQuery } from '../../src/contract/messages';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { signup, startHarness, type Harness } from '../onboarding/harness';
import { until } from '../sandbox/helpers';
import {
  deliver,
  idOf,
  kycSuccess,
  startReceiverServer,
  type Answer,
  type ReceiverServer,
} from './helpers';
import { captureLogs, type CapturedLogs } from '../fixtures/captured-logs';

const SECRET = 'outage-test-webhook-secret';
const RPC_TIMEOUT_MS = 1_000;
const WEBHOOK_ONLY = {
  kycGracePeriod: '1 hour',
  kycPollInterval: '1 hour',
  kycMaxPollInterval: '1 hour',
};

describe('the webhook receiver while Temporal is unreachable', () => {
  let h: Harness;
  let proxy: TcpProxy;
  let connection: Connection;
  let receiver: ReceiverServer;
  let log: CapturedLogs;

  beforeAll(async () => {
    h = await startHarness('dev-server', { kycDelayMs: 200 });
    proxy = await startTcpProxy(h.env.address);
    // Lazy, as the HTTP process connects: it starts even while Temporal is away.
    connection = Connection.lazy({ address: proxy.address });
    log = captureLogs('debug');
    receiver = await startReceiverServer({
      client: new Client({ connection, namespace: 'default' }),
      webhookSecret: SECRET,
      logger: log.logger,
      rpcTimeoutMs: RPC_TIMEOUT_MS,
      // Small, to show that our own 503s are never held against Ingo.
      rejectedRequestsPerMinute: 2,
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await connection?.close();
    await proxy?.close();
    await h?.stop();
  });

  const sign = (body: Buffer) =>
    signRequest({ method: 'POST', path: '/webhooks/ingo', body, username: 'ingo', secret: SECRET });

  /** A KYC review in progress, already signalled once through the proxy. */
  async function reviewSignalledOnce() {
    const handle = await h.start(signup({ ssnLast4: '2222', timing: WEBHOOK_ONLY }));
    const { ingoUserId } = await h.waitFor(handle, (s) => s.kycStatus === 'in_review');
    const review = h.env.client.workflow.getHandle(kycWorkflowId(ingoUserId!));
    const progress = () => review.query(reviewProgressQuery);
    await until(async () => (await progress()).status === 'in_review', 10_000);
    const first = kycSuccess(ingoUserId!);
    const connected = await deliver(receiver.webhookUrl, first, sign(first));
    expect(connected.body.outcome).toBe('signalled');
    return { handle, ingoUserId: ingoUserId!, progress };
  }

  /** Ingo delivering the same bytes again, with a back-off, until it gets an answer but 503. */
  async function redeliver(body: Buffer, headers: Record<string, string>) {
    let answer: Answer | undefined;
    let unavailable = 0;
    await until(async () => {
      answer = await deliver(receiver.webhookUrl, body, headers);
      if (answer.status !== 503) return true;
      unavailable += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return false;
    }, 20_000);
    return { answer: answer!, unavailable };
  }

  function expectUnavailable(answer: Answer) {
    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe('temporal_unavailable');
    expect(answer.headers.get('retry-after')).toBe('10');
  }

  it('answers 503 with Retry-After while the connection is refused, then takes the redelivery', async () => {
    const { handle, ingoUserId, progress } = await reviewSignalledOnce();

    proxy.cut();
    const body = kycSuccess(ingoUserId);
    const headers = sign(body);
    // More deliveries than the rejection limit allows refusals: 503s are ours, never counted.
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const answer = await deliver(receiver.webhookUrl, body, headers);
      expectUnavailable(answer);
      // The deadline, plus at most one of the SDK's retry back-offs that started before it.
      expect(answer.ms, `attempt ${attempt}`).toBeLessThan(RPC_TIMEOUT_MS + 2_000);
    }
    expect((await progress()).signals).toBe(1);

    proxy.restore();
    const { answer, unavailable } = await redeliver(body, headers);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: true, eventId: idOf(body), outcome: 'signalled' });
    expect(await progress()).toMatchObject({ signals: 2, duplicateSignals: 0 });

    // One log line per delivery, saying why it was not signalled.
    const lines = log.entries().filter((line) => line.eventId === idOf(body));
    expect(lines).toHaveLength(4 + unavailable + 1);
    expect(lines.slice(0, -1).every((line) => line.status === 503)).toBe(true);
    expect(lines[0]).toMatchObject({
      outcome: 'refused',
      code: 'temporal_unavailable',
      eventType: 'user.kyc.success',
      reason: expect.stringMatching(/^gRPC (4|14): /) as unknown,
    });
    expect(lines.at(-1)).toMatchObject({ outcome: 'signalled' });
    await handle.cancel();
  });

  it('answers 503 at the deadline when Temporal never answers, and the event counts once', async () => {
    const { handle, ingoUserId, progress } = await reviewSignalledOnce();

    proxy.stall();
    const body = kycSuccess(ingoUserId);
    const headers = sign(body);
    const answer = await deliver(receiver.webhookUrl, body, headers);
    expectUnavailable(answer);
    expect(answer.ms).toBeGreaterThanOrEqual(RPC_TIMEOUT_MS - 50);
    expect(answer.ms).toBeLessThan(RPC_TIMEOUT_MS + 500);
    const line = log.entries().find((l) => l.eventId === idOf(body));
    expect(line).toMatchObject({ reason: expect.stringMatching(/^gRPC 4: /) as unknown });

    // The held signal may still reach Temporal once the route is back; the redelivery then is a
    // duplicate. Either way the review takes the event once.
    proxy.restore();
    const redelivered = await redeliver(body, headers);
    expect(redelivered.answer.status).toBe(200);
    const after = await progress();
    expect(after.signals - after.duplicateSignals).toBe(2);
    await handle.cancel();
  });
});
