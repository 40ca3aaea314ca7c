import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  anyString,
  createUser,
  kycStatus,
  like,
  sleep,
  startReceiver,
  startSandbox,
  submitKyc,
  until,
  type TestSandbox,
  type WebhookReceiver,
} from './helpers';

/** KYC outcomes chosen by the SSN's last four digits (INGO-API.md section 5). */
describe('sandbox KYC scenarios', () => {
  let t: TestSandbox;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startReceiver({ username: 'sandbox', secret: 'sandbox-webhook-secret' });
    t = await startSandbox({ webhookUrl: receiver.url, webhookSecret: 'sandbox-webhook-secret' });
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  it('0000: fails and sends user.kyc.failed with a reason; a resubmission is allowed', async () => {
    const userId = await createUser(t);
    await submitKyc(t, userId, '123450000');
    await until(() => receiver.received.length === 1);
    expect(await kycStatus(t, userId)).toBe('failed');
    const [webhook] = receiver.received;
    expect(webhook!.verification.ok).toBe(true);
    expect(webhook!.delivery).toMatchObject({
      event: 'user.kyc.failed',
      data: {
        event_type: 'user.kyc.failed',
        user_id: userId,
        status: 'rejected',
        reasons: [anyString],
        reasons_code: ['ID_MISMATCH'],
      },
    });

    const resubmitted = await submitKyc(t, userId, '123456789');
    expect(resubmitted.body.data).toEqual({ user_id: userId, kyc_status: 'in_review' });
    await until(() => receiver.received.length === 2);
    expect(await kycStatus(t, userId)).toBe('verified');
  });

  it('1111: verifies without ever sending a webhook', async () => {
    const userId = await createUser(t);
    await submitKyc(t, userId, '123451111');
    await until(async () => (await kycStatus(t, userId)) === 'verified');
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
    const stats = await t.stats();
    expect(stats.webhooks).toMatchObject({ sent: 0, pending: 0 });
    const events = await t.admin<{ events: { event: string; deliveries: unknown[] }[] }>(
      'GET',
      '/webhooks',
    );
    expect(events.body.events).toEqual([like({ event: 'user.kyc.success', deliveries: [] })]);
  });

  it('2222: stays in review until an operator decides, which sends the webhook', async () => {
    const userId = await createUser(t);
    await submitKyc(t, userId, '123452222');
    await sleep(120);
    expect(await kycStatus(t, userId)).toBe('in_review');
    expect(receiver.received).toHaveLength(0);

    const badBody = await t.admin('POST', `/kyc/${userId}/decision`, { status: 'approved' });
    expect(badBody.status).toBe(400);
    expect(badBody.body).toMatchObject({
      status: 'error',
      error: { code: 'VALIDATION_ERROR', details: { fields: [{ field: 'status' }] } },
    });
    const unknown = await t.admin('POST', '/kyc/user-nobody/decision', { status: 'verified' });
    expect(unknown.status).toBe(404);

    const decided = await t.admin('POST', `/kyc/${userId}/decision`, { status: 'verified' });
    expect(decided.status).toBe(200);
    expect(decided.body).toEqual({ user_id: userId, kyc_status: 'verified' });
    await until(() => receiver.received.length === 1);
    expect(receiver.received[0]!.delivery).toMatchObject({
      event: 'user.kyc.success',
      data: { user_id: userId, status: 'verified' },
    });
    expect(await kycStatus(t, userId)).toBe('verified');

    const again = await t.admin('POST', `/kyc/${userId}/decision`, { status: 'failed' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'INVALID_STATE' } });
  });

  it('2222: an operator can fail the review', async () => {
    const userId = await createUser(t);
    await submitKyc(t, userId, '123452222');
    await t.admin('POST', `/kyc/${userId}/decision`, { status: 'failed' });
    await until(() => receiver.received.length === 1);
    expect(receiver.received[0]!.delivery).toMatchObject({
      event: 'user.kyc.failed',
      data: { status: 'rejected', reasons_code: ['ID_MISMATCH'] },
    });
    expect(await kycStatus(t, userId)).toBe('failed');
  });

  it('3333: verifies and delivers the same event three times', async () => {
    const userId = await createUser(t);
    await submitKyc(t, userId, '123453333');
    await until(() => receiver.received.length === 3);
    await sleep(50);
    expect(receiver.received).toHaveLength(3);
    const ids = new Set(receiver.received.map((r) => r.delivery.data.event_id));
    expect(ids.size).toBe(1);
    expect(receiver.received.every((r) => r.verification.ok)).toBe(true);
    expect((await t.stats()).webhooks).toMatchObject({ sent: 3, delivered: 3, pending: 0 });
  });

  it('any other SSN: verifies after the configured delay and sends one webhook', async () => {
    await t.admin('PUT', '/settings', { kycDelayMs: 150 });
    const userId = await createUser(t);
    const started = Date.now();
    await submitKyc(t, userId, '123456789');
    expect(await kycStatus(t, userId)).toBe('in_review');
    await until(() => receiver.received.length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await kycStatus(t, userId)).toBe('verified');
  });

  it('a resubmission during review supersedes the pending decision', async () => {
    await t.admin('PUT', '/settings', { kycDelayMs: 200 });
    const userId = await createUser(t);
    await submitKyc(t, userId, '123456789');
    const corrected = await submitKyc(t, userId, '123452222');
    expect(corrected.status).toBe(200);
    await sleep(300);
    expect(await kycStatus(t, userId)).toBe('in_review');
    expect(receiver.received).toHaveLength(0);
    const view = await t.admin('GET', `/users/${userId}`);
    expect(view.body).toMatchObject({ kyc_status: 'in_review', ssn_last_four: '2222' });
  });

  it('stops pending reviews when the sandbox closes', async () => {
    await t.admin('PUT', '/settings', { kycDelayMs: 200 });
    const userId = await createUser(t);
    await submitKyc(t, userId, '123456789');
    await t.close();
    await sleep(300);
    expect(receiver.received).toHaveLength(0);
    expect(t.sandbox.state.users.get(userId)?.kycStatus).toBe('in_review');
    t = await startSandbox(); // afterEach closes whatever `t` is
  });
});
