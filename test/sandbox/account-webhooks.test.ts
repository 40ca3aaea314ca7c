import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  anyString,
  createUser,
  kycStatus,
  like,
  NO_FAULTS,
  sleep,
  startReceiver,
  startSandbox,
  submitKyc,
  until,
  type BankingBody,
  type TestSandbox,
  type WebhookReceiver,
} from './helpers';

/**
 * `account.issue.created`: every issued account is announced through the webhook machinery, also
 * when the answer is lost; an operator can have an event sent again; the event list filters.
 */

const ISSUE = '/api/v4/business/routable-bank-accounts/issue';
const ACCOUNT_EVENT = 'account.issue.created';

interface EventsView {
  events: {
    event_id: string;
    event: string;
    user_id: string;
    deliveries: { state: string; attempts: number }[];
  }[];
}

interface UserView {
  routable_accounts: { id: string; account_number_last_4: string; routing_number: string }[];
}

describe('sandbox account.issue.created webhooks', () => {
  let t: TestSandbox;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startReceiver({ username: 'sandbox', secret: 'sandbox-webhook-secret' });
    t = await startSandbox({ webhookUrl: receiver.url, kycDelayMs: 1 });
  });
  afterEach(async () => {
    await t.admin('PUT', '/faults', NO_FAULTS);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** A verified user, its KYC webhook already received. */
  async function verifiedUser(): Promise<string> {
    const userId = await createUser(t);
    const received = receiver.received.length;
    await submitKyc(t, userId, '123456789');
    await until(async () => (await kycStatus(t, userId)) === 'verified');
    await until(() => receiver.received.length === received + 1);
    return userId;
  }

  const accountEvents = async (userId: string) =>
    (await t.admin<EventsView>('GET', `/webhooks?user_id=${userId}&event_type=${ACCOUNT_EVENT}`))
      .body.events;

  const receivedFor = (userId: string) =>
    receiver.received.filter(
      (r) => r.delivery.event === ACCOUNT_EVENT && r.delivery.data.user_id === userId,
    );

  it('announces an account whose answer was lost: the call was carried out', async () => {
    const userId = await verifiedUser();
    await t.admin('PUT', '/faults', { lostResponseRate: 1, paths: [ISSUE] });
    await expect(t.banking(ISSUE, { user_id: userId })).rejects.toThrow();

    await until(() => receivedFor(userId).length === 1);
    const [announcement] = receivedFor(userId);
    expect(announcement!.verification.ok).toBe(true);
    const user = await t.admin<UserView>('GET', `/users/${userId}`);
    const [account] = user.body.routable_accounts;
    expect(user.body.routable_accounts).toHaveLength(1);
    expect(announcement!.delivery.data).toMatchObject({
      event_type: ACCOUNT_EVENT,
      user_id: userId,
      routable_bank_account_id: account!.id,
      routing_number: account!.routing_number,
      account_number_last_4: account!.account_number_last_4,
    });
    expect(announcement!.delivery.data).not.toHaveProperty('account_number');
  });

  it('announces nothing when the call is refused before anything is done', async () => {
    const userId = await verifiedUser();
    await t.admin('PUT', '/faults', { errorRate: 1, paths: [ISSUE] });
    expect((await t.banking(ISSUE, { user_id: userId })).status).toBe(503);
    await t.admin('PUT', '/faults', NO_FAULTS);
    expect((await t.banking(ISSUE, { user_id: 'user-unknown' })).status).toBe(404);
    expect(await accountEvents(userId)).toEqual([]);
  });

  it('drops the announcement under dropWebhookRate; an operator has it sent again', async () => {
    const userId = await verifiedUser();
    await t.admin('PUT', '/faults', { dropWebhookRate: 1 });
    const issued = await t.banking<BankingBody>(ISSUE, { user_id: userId });
    expect(issued.status).toBe(200);
    await t.admin('PUT', '/faults', NO_FAULTS);

    const [event] = await accountEvents(userId);
    expect(event!.deliveries).toEqual([like({ state: 'dropped', attempts: 0 })]);
    await sleep(30);
    expect(receivedFor(userId)).toEqual([]);

    const redelivered = await t.admin('POST', `/webhooks/${event!.event_id}/redeliver`);
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toEqual({
      event_id: event!.event_id,
      event: ACCOUNT_EVENT,
      delivery: { state: 'scheduled', attempts: 0, last_http_status: null, last_error: null },
    });
    await until(() => receivedFor(userId).length === 1);
    expect(receivedFor(userId)[0]!.delivery.data).toMatchObject({
      event_id: event!.event_id,
      routable_bank_account_id: issued.body.data.routable_bank_account_id,
    });

    // Each redelivery is a delivery of its own, with the same bytes.
    await t.admin('POST', `/webhooks/${event!.event_id}/redeliver`);
    await until(() => receivedFor(userId).length === 2);
    const [first, second] = receivedFor(userId);
    expect(second!.delivery).toEqual(first!.delivery);
    await until(async () =>
      (await accountEvents(userId))[0]!.deliveries.every((d) => d.state !== 'scheduled'),
    );
    expect((await accountEvents(userId))[0]!.deliveries.map((d) => d.state)).toEqual([
      'dropped',
      'delivered',
      'delivered',
    ]);
  });

  it('redelivers KYC events too, and answers 404 for an unknown event', async () => {
    const userId = await verifiedUser();
    const kyc = await t.admin<EventsView>('GET', `/webhooks?user_id=${userId}`);
    expect(kyc.body.events.map((e) => e.event)).toEqual(['user.kyc.success']);
    const again = await t.admin('POST', `/webhooks/${kyc.body.events[0]!.event_id}/redeliver`);
    expect(again.status).toBe(200);

    const unknown = await t.admin('POST', '/webhooks/inn_whe_unknown/redeliver');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND' } });
  });

  it('filters the event list by user and type, and refuses unknown filters', async () => {
    const first = await verifiedUser();
    const second = await verifiedUser();
    await t.banking(ISSUE, { user_id: first });
    await until(() => receivedFor(first).length === 1);

    const byUser = await t.admin<EventsView>('GET', `/webhooks?user_id=${second}`);
    expect(byUser.body.events).toEqual([like({ user_id: second, event: 'user.kyc.success' })]);
    const byType = await t.admin<EventsView>('GET', `/webhooks?event_type=${ACCOUNT_EVENT}`);
    expect(byType.body.events.map((e) => e.event)).toEqual(
      byType.body.events.map(() => ACCOUNT_EVENT),
    );
    expect(byType.body.events.map((e) => e.user_id)).toContain(first);
    expect(await accountEvents(first)).toEqual([like({ event_id: anyString, user_id: first })]);

    const refused = await t.admin('GET', '/webhooks?status=verified');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: { code: 'VALIDATION_ERROR', details: { fields: [{ field: 'status' }] } },
    });
    const twice = await t.admin('GET', `/webhooks?user_id=${first}&user_id=${second}`);
    expect(twice.status).toBe(400);
  });
});
