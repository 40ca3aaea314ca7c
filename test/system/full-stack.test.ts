// The whole system end to end, entered the way the product and Ingo enter it: onboardings started
// through the HTTP API's typed client, KYC outcomes arriving as the sandbox's signed webhooks at the
// real receiver, for every SSN outcome of the sandbox contract.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kycWorkflowId, onboardingWorkflowId } from '../../src/contract/ids';
import { reviewProgressQuery, statusQuery } from '../../src/contract/messages';
import { until } from '../sandbox/helpers';
import { apiSignup } from '../api/api-server';
import { FAST } from '../onboarding/harness';
import { startSystem, type SystemStack } from './stack';

describe('the whole system, through the API and the webhook receiver', () => {
  let s: SystemStack;

  beforeAll(async () => {
    s = await startSystem();
  });
  afterAll(async () => {
    await s?.stop();
  });

  const finished = (signupId: string) =>
    until(async () => {
      const view = await s.client.get(signupId);
      return view.status !== 'in_progress';
    }, 30_000).then(() => s.client.get(signupId));

  const review = async (signupId: string) => {
    const status = await s.env.client.workflow
      .getHandle(onboardingWorkflowId(signupId))
      .query(statusQuery);
    return status.lastKycReview;
  };

  it('completes a signup with every optional step, KYC decided by the webhook', async () => {
    const request = apiSignup({ withBankAccount: true, withPayouts: true });
    const started = await s.client.start(request);
    expect(started).toMatchObject({ signupId: request.signupId, status: 'in_progress' });

    const view = await finished(request.signupId);
    expect(view).toMatchObject({
      status: 'completed',
      kycStatus: 'verified',
      routableAccount: { accountNumberLast4: expect.stringMatching(/^\d{4}$/) as unknown },
    });
    expect(await review(request.signupId)).toMatchObject({ decidedBy: 'webhook', signals: 1 });
  });

  it('ends kyc_failed on SSN 0000, learning it from the user.kyc.failed webhook', async () => {
    const request = apiSignup({
      ssnLast4: '0000',
      timing: { ...FAST, kycResubmitWindow: '1 second' },
    });
    await s.client.start(request);
    const view = await until(async () => {
      const current = await s.client.get(request.signupId);
      return current.status === 'kyc_failed' && current.resubmitBy === undefined;
    }, 30_000).then(() => s.client.get(request.signupId));
    expect(view).toMatchObject({ status: 'kyc_failed', kycStatus: 'failed' });
    expect(view.kycReasons?.length).toBeGreaterThan(0);
    expect(await review(request.signupId)).toMatchObject({ decidedBy: 'webhook' });
  });

  it('completes on SSN 1111 by polling, since that webhook never comes', async () => {
    const request = apiSignup({ ssnLast4: '1111' });
    await s.client.start(request);
    expect(await finished(request.signupId)).toMatchObject({ status: 'completed' });
    expect(await review(request.signupId)).toMatchObject({ decidedBy: 'poll', signals: 0 });
  });

  it('waits on SSN 2222 until the manual review is decided, then completes', async () => {
    const request = apiSignup({ ssnLast4: '2222', timing: { ...FAST, kycGracePeriod: '1 hour' } });
    await s.client.start(request);
    const inReview = await until(async () => {
      const current = await s.client.get(request.signupId);
      return current.kycStatus === 'in_review';
    }, 30_000).then(() => s.client.get(request.signupId));
    const ingoUserId = inReview.ingoUserId!;

    const decided = await s.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, {
      status: 'verified',
    });
    expect(decided.status).toBe(200);
    expect(await finished(request.signupId)).toMatchObject({ status: 'completed' });
    expect(await review(request.signupId)).toMatchObject({ decidedBy: 'webhook', polls: 0 });
  });

  it('completes once on SSN 3333 although the webhook arrives several times', async () => {
    const request = apiSignup({ ssnLast4: '3333' });
    await s.client.start(request);
    const view = await finished(request.signupId);
    expect(view.status).toBe('completed');
    const ingoUserId = view.ingoUserId!;
    // The later copies reach the finished review: the receiver acknowledges them all.
    await until(async () => (await s.sandbox.stats()).webhooks.pending === 0, 30_000);
    const stats = await s.sandbox.stats();
    expect(stats.webhooks.failed).toBe(0);
    const user = await s.sandbox.admin<{ routable_accounts: unknown[] }>(
      'GET',
      `/users/${ingoUserId}`,
    );
    expect(user.body.routable_accounts).toHaveLength(1);
    const progress = await s.env.client.workflow
      .getHandle(kycWorkflowId(ingoUserId))
      .query(reviewProgressQuery);
    expect(progress.signals).toBeGreaterThanOrEqual(1);
  });

  it('answers the probes: healthz always, readyz while Temporal is reachable', async () => {
    expect((await fetch(`${s.api.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
