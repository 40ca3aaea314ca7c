// The account issue whose outcome is unknown (lost answer, timed-out attempt), settled by Ingo's
// `account.issue.created` webhook, on the Temporal dev server with the real worker, sandbox and
// webhook receiver. Ingo offers no look-up and no idempotency key for the issue: the webhook is
// how the onboarding learns the account, exactly once, without a second issue.
//
// RECORD_HISTORIES=1 also saves the redelivery run's history for the replay test (see harness.ts).

import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { retryUpdate } from '../../src/contract/messages';
import type { OnboardingStatusView } from '../../src/contract/onboarding-view';
import { NO_FAULTS, until } from '../sandbox/helpers';
import { FAST, signup, startHarness, type Harness, type OnboardingHandle } from './harness';

const ISSUE = '/api/v4/business/routable-bank-accounts/issue';
const LINK = '/api/v3/users/bank-accounts/save';
const ACCOUNT_EVENT = 'account.issue.created';

/** KYC verified without a webhook (SSN ...1111, found by polling): no KYC delivery to drop. */
const POLLED_KYC = { ssnLast4: '1111', timing: FAST };

/** A delivery's fields besides its state, before any attempt. */
const NO_DETAILS = { attempts: 0, last_http_status: null, last_error: null };

interface EventsView {
  events: { event_id: string; deliveries: { state: string }[] }[];
}

describe('issuing the routable account when the answer is lost', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('dev-server', { kycDelayMs: 200 });
  });
  afterEach(async () => {
    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const issueCalls = async () => (await h.sandbox.stats()).calls[ISSUE] ?? 0;

  /** The user's accounts at Ingo (the sandbox), last four digits only. */
  const accountsOf = async (ingoUserId: string) => (await h.ingoUser(ingoUserId)).routable_accounts;

  /** The onboarding's result must be the one account Ingo holds for the user. */
  async function expectAdoptedTheIssuedAccount(handle: OnboardingHandle) {
    const result = await handle.result();
    if (result.outcome !== 'completed') throw new Error(`ended ${result.outcome}`);
    const accounts = await accountsOf(result.ingoUserId);
    expect(accounts).toHaveLength(1);
    expect(result.routableAccount).toMatchObject({
      routableBankAccountId: accounts[0]!.id,
      accountNumberLast4: accounts[0]!.account_number_last_4,
    });
    const status = await h.status(handle);
    expect(status).toMatchObject({ status: 'completed', routableAccount: result.routableAccount });
    return { result, status };
  }

  /** Parked after a lost answer whose webhook was dropped; faults are off again afterwards. */
  async function parkedWithoutAnnouncement(withBankAccount = false): Promise<{
    handle: OnboardingHandle;
    parked: OnboardingStatusView;
    eventId: string;
  }> {
    await h.sandbox.admin('PUT', '/faults', {
      lostResponseRate: 1,
      dropWebhookRate: 1,
      paths: [ISSUE],
    });
    const handle = await h.start(signup({ ...POLLED_KYC, withBankAccount }));
    const parked = await h.waitFor(handle, (s) => s.status === 'needs_attention');
    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
    const events = await h.sandbox.admin<EventsView>(
      'GET',
      `/webhooks?user_id=${parked.ingoUserId}&event_type=${ACCOUNT_EVENT}`,
    );
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0]!.deliveries).toEqual([{ ...NO_DETAILS, state: 'dropped' }]);
    return { handle, parked, eventId: events.body.events[0]!.event_id };
  }

  it('completes with the account Ingo issued when the webhook announces it', async () => {
    await h.sandbox.admin('PUT', '/faults', { lostResponseRate: 1, paths: [ISSUE] });
    const before = await issueCalls();
    const handle = await h.start(signup(POLLED_KYC));

    const { status } = await expectAdoptedTheIssuedAccount(handle);
    expect(await issueCalls()).toBe(before + 1);
    expect(status.attempts).toMatchObject({ issue_account: 1 });
    // The unknown outcome stays on record, although no operator was needed.
    expect(status.lastError).toMatchObject({ step: 'issue_account', type: 'IngoOutcomeUnknown' });
  });

  it('parks when the webhook is lost too, and completes once Ingo sends it again', async () => {
    const before = await issueCalls();
    const { handle, parked, eventId } = await parkedWithoutAnnouncement();
    expect(parked).toMatchObject({
      step: 'issue_account',
      lastError: { step: 'issue_account', type: 'IngoOutcomeUnknown' },
    });
    expect(parked.lastError?.message).toContain(
      `Waiting for Ingo's ${ACCOUNT_EVENT} webhook, which settles this step with the account, or for an operator.`,
    );
    expect(await accountsOf(parked.ingoUserId!)).toHaveLength(1);

    // Local stand-in for asking Ingo to send the event again.
    const redelivery = await h.sandbox.admin('POST', `/webhooks/${eventId}/redeliver`);
    expect(redelivery.status).toBe(200);

    const { status } = await expectAdoptedTheIssuedAccount(handle);
    expect(await issueCalls()).toBe(before + 1);
    expect(status.attempts).toMatchObject({ issue_account: 1 });
    await h.record('account-adopted', handle, parked.ingoUserId);
  });

  it("an operator's retry after the webhook arrived never issues again", async () => {
    const before = await issueCalls();
    const { handle, parked, eventId } = await parkedWithoutAnnouncement(true);
    expect(await issueCalls()).toBe(before + 1);

    // A slow next step keeps the onboarding running while the operator acts.
    await h.sandbox.admin('PUT', '/faults', { latencyMs: 3_000, paths: [LINK] });
    await h.sandbox.admin('POST', `/webhooks/${eventId}/redeliver`);
    // In the onboarding's history: whatever the retry meets now, the account is known.
    await until(async () => {
      const history = await handle.fetchHistory();
      return (history.events ?? []).some(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'routableAccountIssued',
      );
    }, 10_000);
    const retry = await handle.executeUpdate(retryUpdate, { args: [{}] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    // Refused when the webhook has already settled the step, else taken and settled by it.
    if (retry !== undefined) {
      expect(retry).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (retry as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('NotAllowedNow');
    }

    await expectAdoptedTheIssuedAccount(handle);
    expect(await issueCalls()).toBe(before + 1);
    expect(await accountsOf(parked.ingoUserId!)).toHaveLength(1);
  });

  it('adopts the account after a timed-out attempt, which Ingo carried out all the same', async () => {
    // The call outlives the activity's timeout; the sandbox still issues and announces the account.
    await h.sandbox.admin('PUT', '/faults', { latencyMs: 2_500, paths: [ISSUE] });
    const before = await issueCalls();
    const handle = await h.start(
      signup({ ...POLLED_KYC, timing: { ...FAST, activityTimeout: '1 second' } }),
    );

    const { status } = await expectAdoptedTheIssuedAccount(handle);
    expect(await issueCalls()).toBe(before + 1);
    expect(status.lastError).toMatchObject({ step: 'issue_account', type: 'IngoOutcomeUnknown' });
    expect(status.lastError?.message).toMatch(/did not finish \(START_TO_CLOSE\)/);
  });

  it('under lost answers and lost webhooks, never more than one account per user', async () => {
    await h.sandbox.admin('PUT', '/faults', {
      lostResponseRate: 0.5,
      dropWebhookRate: 0.5,
      paths: [ISSUE],
    });
    const requests = Array.from({ length: 6 }, () => signup(POLLED_KYC));
    const handles = await Promise.all(requests.map((request) => h.start(request)));
    const settled = await Promise.all(
      handles.map((handle) =>
        h.waitFor(
          handle,
          (s) => s.status === 'completed' || s.status === 'needs_attention',
          30_000,
        ),
      ),
    );
    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);

    // Every parked one is an unknown outcome whose announcement was dropped: Ingo sends it again.
    for (const status of settled.filter((s) => s.status === 'needs_attention')) {
      expect(status).toMatchObject({
        step: 'issue_account',
        lastError: { type: 'IngoOutcomeUnknown' },
      });
      const events = await h.sandbox.admin<EventsView>(
        'GET',
        `/webhooks?user_id=${status.ingoUserId}&event_type=${ACCOUNT_EVENT}`,
      );
      for (const event of events.body.events) {
        await h.sandbox.admin('POST', `/webhooks/${event.event_id}/redeliver`);
      }
    }
    for (const handle of handles) await expectAdoptedTheIssuedAccount(handle);
  });
});
