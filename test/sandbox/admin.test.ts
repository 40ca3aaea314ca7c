import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawCheckToBeneficiary } from '../fixtures/ingo-requests';
import {
  anyString,
  createUser,
  FRESH_SANDBOX_STATS,
  kycStatus,
  NO_FAULTS,
  sleep,
  startReceiver,
  startSandbox,
  submitKyc,
  until,
  type TestSandbox,
  type WebhookReceiver,
} from './helpers';

/** The admin API: user view, settings, and reset. */

describe('sandbox admin API', () => {
  let t: TestSandbox;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startReceiver({ username: 'sandbox', secret: 'sandbox-webhook-secret' });
    t = await startSandbox({ webhookUrl: receiver.url, kycDelayMs: 5 });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('shows a user with SSN and account numbers cut to their last four; 404 when unknown', async () => {
    const userId = await createUser(t, { ssn: '123454321' });
    const view = await t.admin('GET', `/users/${userId}`);
    expect(view.status).toBe(200);
    expect(view.body).toEqual({
      id: userId,
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jane.doe@example.com',
      kyc_status: 'not_started',
      ssn_last_four: '4321',
      meta_data: [],
      created_at: anyString,
      routable_accounts: [],
      bank_accounts: [],
    });
    const unknown = await t.admin('GET', '/users/user-unknown');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND' } });
  });

  it('reads and changes settings', async () => {
    expect((await t.admin('GET', '/settings')).body).toEqual({
      webhookUrl: receiver.url,
      kycDelayMs: 5,
    });
    const changed = await t.admin('PUT', '/settings', { kycDelayMs: 7 });
    expect(changed.body).toEqual({ webhookUrl: receiver.url, kycDelayMs: 7 });
  });

  it('reset forgets everything and cancels pending work', async () => {
    const verified = await createUser(t);
    await submitKyc(t, verified, '123451111');
    await until(async () => (await kycStatus(t, verified)) === 'verified');
    await t.banking('/api/v4/business/routable-bank-accounts/issue', { user_id: verified });
    await t.banking('/api/v3/users/bank-accounts/save', {
      user_id: verified,
      idempotent_key: 'reset-key',
      first_name: 'Jane',
      last_name: 'Doe',
      account_number: '8001234567',
      routing_number: '123456789',
    });
    const check = rawCheckToBeneficiary('reset-check');
    expect((await t.gateway('/gateway/verify--check', check)).body.status).toBe(100);
    await t.admin('PUT', '/faults', { latencyMs: 1, duplicateWebhookRate: 0.5 });
    await t.admin('PUT', '/settings', { kycDelayMs: 100, webhookUrl: null });
    const pending = await createUser(t);
    await submitKyc(t, pending, '123456789');
    const received = receiver.received.length;

    const reset = await t.admin('POST', '/reset');
    expect(reset.status).toBe(200);

    expect(await t.stats()).toEqual(FRESH_SANDBOX_STATS);
    expect((await t.admin('GET', `/users/${verified}`)).status).toBe(404);
    expect((await t.admin('GET', '/webhooks')).body).toEqual({ events: [] });
    expect((await t.admin('GET', '/faults')).body).toEqual(NO_FAULTS);
    expect((await t.admin('GET', '/settings')).body).toEqual({
      webhookUrl: receiver.url,
      kycDelayMs: 5,
    });
    const list = await t.banking('/api/v4/user/get-all', {});
    expect(list.body.data.items).toEqual([]);

    await sleep(150);
    expect(receiver.received).toHaveLength(received);
    expect((await t.stats()).webhooks.pending).toBe(0);
    const again = await t.gateway('/gateway/verify--check', check);
    expect(again.body.status).toBe(100);
  });
});
