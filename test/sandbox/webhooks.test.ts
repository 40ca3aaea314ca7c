import { afterEach, describe, expect, it } from 'vitest';
import {
  anyString,
  createUser,
  kycStatus,
  sleep,
  startReceiver,
  startSandbox,
  submitKyc,
  until,
  type TestSandbox,
} from './helpers';

/** Webhook delivery: signing, retries with backoff, faults, and waiting for a URL. */

const WEBHOOK = { username: 'sandbox', secret: 'sandbox-webhook-secret' };

interface EventsView {
  events: {
    event_id: string;
    event: string;
    user_id: string;
    status: string;
    deliveries: {
      state: string;
      attempts: number;
      last_http_status: number | null;
      last_error: string | null;
    }[];
  }[];
}

describe('sandbox webhooks', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  async function setUp(statusFor?: (n: number) => number | null, overrides = {}) {
    const receiver = await startReceiver(WEBHOOK, statusFor);
    const t = await startSandbox({ webhookUrl: receiver.url, kycDelayMs: 1, ...overrides });
    cleanup.push(receiver.close, t.close);
    return { t, receiver };
  }

  async function verifyUser(t: TestSandbox, ssn = '123456789'): Promise<string> {
    const userId = await createUser(t);
    await submitKyc(t, userId, ssn);
    return userId;
  }

  it('retries a delivery the receiver answered with 500, then stops at 200', async () => {
    const { t, receiver } = await setUp((n) => (n === 1 ? 500 : 200));
    const userId = await verifyUser(t);
    await until(() => receiver.received.length === 2);
    await sleep(60);
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(first!.delivery).toEqual(second!.delivery);
    expect(receiver.received.every((r) => r.verification.ok)).toBe(true);
    expect((await t.stats()).webhooks).toMatchObject({
      sent: 1,
      delivered: 1,
      failed: 0,
      pending: 0,
      attempts: 2,
    });
    const view = await t.admin<EventsView>('GET', '/webhooks');
    expect(view.body.events).toEqual([
      {
        event_id: first!.delivery.data.event_id,
        event: 'user.kyc.success',
        user_id: userId,
        status: 'verified',
        created_at: anyString,
        deliveries: [{ state: 'delivered', attempts: 2, last_http_status: 200, last_error: null }],
      },
    ]);
  });

  it('gives up after the last attempt and counts the delivery failed', async () => {
    const { t, receiver } = await setUp(() => 503, { webhookMaxAttempts: 3 });
    await verifyUser(t);
    await until(async () => (await t.stats()).webhooks.failed === 1);
    expect(receiver.received).toHaveLength(3);
    expect((await t.stats()).webhooks).toMatchObject({
      sent: 1,
      delivered: 0,
      pending: 0,
      attempts: 3,
    });
  });

  it('retries network errors and timeouts', async () => {
    const closed = await startReceiver(WEBHOOK);
    await closed.close();
    const { t: refused } = await setUp(undefined, {
      webhookUrl: closed.url,
      webhookMaxAttempts: 2,
    });
    await verifyUser(refused);
    await until(async () => (await refused.stats()).webhooks.failed === 1);
    const view = await refused.admin<EventsView>('GET', '/webhooks');
    expect(view.body.events[0]!.deliveries[0]).toMatchObject({
      state: 'failed',
      attempts: 2,
      last_error: 'ECONNREFUSED',
    });

    const { t: slow, receiver } = await setUp((n) => (n === 1 ? null : 200), {
      webhookTimeoutMs: 50,
    });
    await verifyUser(slow);
    await until(async () => (await slow.stats()).webhooks.delivered === 1);
    expect(receiver.received).toHaveLength(2);
  });

  it('dropWebhookRate 1: the delivery is never sent, and counted dropped', async () => {
    const { t, receiver } = await setUp(undefined, { faults: { dropWebhookRate: 1 } });
    const userId = await verifyUser(t);
    await until(async () => (await kycStatus(t, userId)) === 'verified');
    await sleep(50);
    expect(receiver.received).toHaveLength(0);
    expect((await t.stats()).webhooks).toMatchObject({ sent: 0, dropped: 1, pending: 0 });
  });

  it('duplicateWebhookRate 1: the same event is delivered an extra time', async () => {
    const { t, receiver } = await setUp();
    await t.admin('PUT', '/faults', { duplicateWebhookRate: 1 });
    await verifyUser(t);
    await until(() => receiver.received.length === 2);
    await sleep(50);
    expect(receiver.received).toHaveLength(2);
    expect(new Set(receiver.received.map((r) => r.delivery.data.event_id)).size).toBe(1);
    expect((await t.stats()).webhooks).toMatchObject({ sent: 2, delivered: 2 });
  });

  it('reorderWebhooks: every event still arrives, each after its own random delay', async () => {
    const { t, receiver } = await setUp();
    await t.admin('PUT', '/faults', { reorderWebhooks: true });
    const users = await Promise.all([verifyUser(t), verifyUser(t), verifyUser(t)]);
    await until(() => receiver.received.length === 3, 3_000);
    expect(new Set(receiver.received.map((r) => r.delivery.data.user_id))).toEqual(new Set(users));
  });

  it('records events without a URL and delivers them once one is set', async () => {
    const { t, receiver } = await setUp(undefined, { webhookUrl: undefined });
    const userId = await verifyUser(t);
    await until(async () => (await kycStatus(t, userId)) === 'verified');
    await sleep(30);
    expect((await t.stats()).webhooks).toMatchObject({ sent: 0, pending: 1 });
    const view = await t.admin<EventsView>('GET', '/webhooks');
    expect(view.body.events[0]!.deliveries).toEqual([
      { state: 'waiting_for_url', attempts: 0, last_http_status: null, last_error: null },
    ]);

    const settings = await t.admin('PUT', '/settings', { webhookUrl: receiver.url });
    expect(settings.body).toEqual({ webhookUrl: receiver.url, kycDelayMs: 1 });
    await until(() => receiver.received.length === 1);
    expect(receiver.received[0]!.verification.ok).toBe(true);

    await t.admin('PUT', '/settings', { webhookUrl: null });
    await verifyUser(t);
    await sleep(50);
    expect(receiver.received).toHaveLength(1);
    expect((await t.stats()).webhooks).toMatchObject({ delivered: 1, pending: 1 });
  });

  it('keeps webhook data free of personal data', async () => {
    const { t, receiver } = await setUp();
    await verifyUser(t, '123450000');
    await until(() => receiver.received.length === 1);
    const everything = JSON.stringify([
      receiver.received,
      (await t.admin('GET', '/webhooks')).body,
    ]);
    expect(everything).not.toContain('123450000');
    expect(everything).not.toContain('jane.doe@example.com');
    expect(everything).not.toContain('1985-06-15');
  });
});
