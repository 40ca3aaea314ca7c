// The onboarding's long waits on the time-skipping test server: days of KYC review, polling
// back-off, deadlines and resubmission windows pass in seconds. Activities are the real ones,
// against the real sandbox over HTTP; KYC scenarios are chosen by SSN (docs/SANDBOX.md).

import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KycStatus } from '../../src/ingo/kyc-status';
import { kycWorkflowId } from '../../src/contract/ids';
import {
  reviewProgressQuery,
  verificationResultSignal,
  reviewStatusChangedSignal,
  resubmitKycUpdate,
  retryUpdate,
} from '../../src/contract/messages';
import { OnboardingStatusKey } from '../../src/contract/search-attributes';
import { until } from '../sandbox/helpers';
import { signup, startHarness, type Harness, type OnboardingHandle } from './harness';

const SEND_VERIFICATION = '/api/v4/user/send-verification-request';

describe('onboarding on the time-skipping server', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('time-skipping');
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Waits until the KYC review is in progress at Ingo, with its child workflow running. */
  async function inReview(handle: OnboardingHandle) {
    const status = await h.waitFor(handle, (s) => s.step === 'kyc' && s.kycSubmissions > 0);
    const review = h.env.client.workflow.getHandle(kycWorkflowId(status.ingoUserId!));
    await until(async () => {
      try {
        return (await review.query(reviewProgressQuery)).status === 'in_review';
      } catch {
        return false;
      }
    }, 10_000);
    return { status, review, ingoUserId: status.ingoUserId! };
  }

  it('completes when the KYC webhook arrives, confirmed against the API', async () => {
    const handle = await h.start(signup({ ssnLast4: '2222' }));
    const { ingoUserId, review } = await inReview(handle);
    expect((await h.status(handle)).kycStatus).toBe('in_review');
    await expect(
      handle.executeUpdate(resubmitKycUpdate, {
        args: [{ ssn: '123454444', dateOfBirth: '1990-01-01' }],
      }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(handle.executeUpdate(retryUpdate, { args: [{}] })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );

    const decided = await h.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, {
      status: 'verified',
    });
    expect(decided.status).toBe(200);
    // Time skips only while the test awaits a result: let the webhook land first.
    await until(async () => (await review.query(reviewProgressQuery)).signals === 1, 10_000);

    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', ingoUserId, kycStatus: 'verified' });
    const status = await h.status(handle);
    expect(status).toMatchObject({ status: 'completed', step: 'done', kycStatus: 'verified' });
    expect(status.lastKycReview).toMatchObject({ decidedBy: 'webhook', polls: 0 });
  });

  it('polls Ingo when no webhook ever comes, and finds the decision', async () => {
    const handle = await h.start(signup({ ssnLast4: '1111' }));
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    const status = await h.status(handle);
    expect(status.lastKycReview?.decidedBy).toBe('poll');
    expect(status.lastKycReview?.polls).toBeGreaterThanOrEqual(1);
    expect(status.lastKycReview?.signals).toBe(0);
  });

  it('parks at the KYC deadline, and completes when an operator retries after Ingo decided', async () => {
    const handle = await h.start(
      signup({
        ssnLast4: '2222',
        timing: { kycDeadline: '2 days', kycMaxPollInterval: '6 hours' },
      }),
    );
    const { ingoUserId } = await inReview(handle);
    await h.env.sleep('3 days');

    const parked = await h.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'kyc',
      kycStatus: 'in_review',
      lastError: { step: 'kyc', type: 'KycDeadlineExceeded' },
    });
    // Polling backs off from 1 minute, doubling, capped at 6 hours: about 16 polls in 2 days
    // (uncapped doubling would make 12).
    expect(parked.lastKycReview?.polls).toBeGreaterThanOrEqual(15);
    expect(parked.lastKycReview?.polls).toBeLessThanOrEqual(18);
    const review = await h.env.client.workflow.getHandle(kycWorkflowId(ingoUserId)).describe();
    expect(review.status.name).toBe('COMPLETED');

    await h.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, { status: 'verified' });
    const submissionsBefore = (await h.sandbox.stats()).calls[SEND_VERIFICATION];
    await expect(
      handle.executeUpdate(retryUpdate, { args: [{ step: 'issue_account' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    expect(await handle.executeUpdate(retryUpdate, { args: [{ step: 'kyc' }] })).toEqual({
      step: 'kyc',
      attempt: 2,
    });

    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    const status = await h.status(handle);
    expect(status.attempts).toMatchObject({ create_user: 1, kyc: 2, issue_account: 1 });
    // The retry looked the review up instead of restarting it at Ingo.
    expect(status.kycSubmissions).toBe(1);
    expect(status.lastKycReview).toMatchObject({ decidedBy: 'poll', polls: 0 });
    expect((await h.sandbox.stats()).calls[SEND_VERIFICATION]).toBe(submissionsBefore);
    await h.record('kyc-deadline-retried', handle, ingoUserId);
  });

  it('ends kyc_failed when a failed review gets no corrected data within the window', async () => {
    const handle = await h.start(
      signup({ ssnLast4: '0000', timing: { kycResubmitWindow: '2 days' } }),
    );
    await h.waitFor(handle, (s) => s.status === 'awaiting_kyc_resubmission');
    const result = await handle.result();
    expect(result).toMatchObject({
      outcome: 'kyc_failed',
      kycStatus: 'failed',
      reasonCodes: ['ID_MISMATCH'],
    });
    const status = await h.status(handle);
    expect(status).toMatchObject({ status: 'kyc_failed', step: 'done' });
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(OnboardingStatusKey)).toBe('kyc_failed');
  });

  it('takes corrected KYC data after a failure (validated), and completes once verified', async () => {
    const handle = await h.start(signup({ ssnLast4: '0000' }));
    const failed = await h.waitFor(handle, (s) => s.status === 'awaiting_kyc_resubmission');
    expect(failed.kycReasons).toEqual([expect.any(String)]);

    const error = await handle
      .executeUpdate(resubmitKycUpdate, { args: [{ ssn: '12-34', dateOfBirth: '2190-01-01' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('InvalidKycData');
    expect(cause?.message).toMatch(/ssn/);
    expect(cause?.message).toMatch(/dateOfBirth/);
    expect(cause?.message).not.toMatch(/12-34/);

    const accepted = await handle.executeUpdate(resubmitKycUpdate, {
      args: [{ ssn: '123454444', dateOfBirth: '1990-04-21' }],
    });
    expect(accepted).toEqual({ submission: 2 });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    expect((await h.status(handle)).kycSubmissions).toBe(2);
  });

  it('fails a directly started onboarding whose input is invalid, naming the fields only', async () => {
    const start = (workflowId: string, input: unknown) =>
      h.env.client.workflow.execute('onboarding', {
        taskQueue: h.taskQueue,
        workflowId,
        args: [input],
      });
    const failure = async (run: Promise<unknown>) => {
      const error = await run.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('InvalidOnboardingInput');
      return cause as ApplicationFailure;
    };

    const bad = signup();
    bad.applicant.ssn = '12-34-5';
    const invalid = await failure(start(`onboarding-${bad.signupId}`, bad));
    expect(invalid.message).toMatch(/applicant\.ssn/);
    expect(invalid.message).not.toContain('12-34-5');
    // Not even an object: refused the same way, not a workflow task failing forever.
    expect((await failure(start('onboarding-nothing', null))).message).toMatch(/invalid/);
    const good = signup();
    expect((await failure(start('onboarding-elsewhere', good))).message).toContain(
      `must run as workflow onboarding-${good.signupId}`,
    );
  });

  it('ignores duplicate, stale and foreign KYC signals; only the API decides', async () => {
    const handle = await h.start(signup({ ssnLast4: '2222' }));
    const { review, ingoUserId } = await inReview(handle);
    const event = (eventId: string, status: 'verified' | 'failed', subjectId = ingoUserId) => ({
      eventId,
      eventType:
        status === 'verified' ? ('user.kyc.success' as const) : ('user.kyc.failed' as const),
      subjectId,
      status,
      reasons: [],
      reasonCodes: [],
    });

    // A "failed" that Ingo's API does not confirm (stale, or out of order) changes nothing.
    await review.signal(
      verificationResultSignal,
      event('inn_whe_stale000000000000000001', 'failed'),
    );
    await review.signal(
      verificationResultSignal,
      event('inn_whe_stale000000000000000001', 'failed'),
    );
    await review.signal(
      verificationResultSignal,
      event('inn_whe_other000000000000000001', 'verified', 'user-x'),
    );
    await until(async () => (await review.query(reviewProgressQuery)).signals === 3, 10_000);
    const progress = await review.query(reviewProgressQuery);
    expect(progress).toMatchObject({ status: 'in_review', duplicateSignals: 1 });
    // Nor does a KYC status Ingo cannot have, sent to the onboarding itself.
    await handle.signal(reviewStatusChangedSignal, {
      subjectId: ingoUserId,
      status: 'approved' as KycStatus,
    });
    expect(await h.status(handle)).toMatchObject({ status: 'in_progress', kycStatus: 'in_review' });

    await h.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, { status: 'verified' });
    await until(async () => (await review.query(reviewProgressQuery)).signals === 4, 10_000);
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    expect((await h.status(handle)).lastKycReview).toMatchObject({
      decidedBy: 'webhook',
      duplicateSignals: 1,
    });
  });

  it('asks Ingo once for a burst of webhooks: the first at once, the rest after the spacing', async () => {
    const CHECK = '/api/v4/user/check-verification-request';
    const handle = await h.start(signup({ ssnLast4: '2222' }));
    const { review, ingoUserId } = await inReview(handle);
    const checks = async () => (await h.sandbox.stats()).calls[CHECK] ?? 0;
    const before = await checks();
    const claim = (n: number) => ({
      eventId: `inn_whe_burst00000000000000000${n}`,
      eventType: 'user.kyc.success' as const,
      subjectId: ingoUserId,
      status: 'verified' as const,
      reasons: [],
      reasonCodes: [],
    });

    // Five claims Ingo's API contradicts (still in review), each a new event: two calls, not five.
    for (let n = 1; n <= 5; n += 1) await review.signal(verificationResultSignal, claim(n));
    await until(async () => (await review.query(reviewProgressQuery)).signals === 5, 10_000);
    await until(async () => (await checks()) === before + 2, 10_000);
    expect(await review.query(reviewProgressQuery)).toMatchObject({
      status: 'in_review',
      polls: 0,
    });

    // The decision's webhook, within the spacing of the last call: confirmed once it has passed.
    await h.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, { status: 'verified' });
    await until(async () => (await review.query(reviewProgressQuery)).signals === 6, 10_000);
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    expect(await checks()).toBe(before + 3);
    expect((await h.status(handle)).lastKycReview).toMatchObject({
      decidedBy: 'webhook',
      polls: 0,
    });
    await h.record('webhook-burst', handle, ingoUserId);
  });

  it('acts once on a webhook Ingo delivers three times: one account', async () => {
    const handle = await h.start(signup({ ssnLast4: '3333' }));
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    const user = await h.ingoUser(result.ingoUserId);
    expect(user.routable_accounts).toHaveLength(1);
    expect(user.routable_accounts[0]!.id).toBe(
      result.outcome === 'completed' && result.routableAccount.routableBankAccountId,
    );
  });

  it('cancels cleanly at any step: a clear final state, the KYC review cancelled too', async () => {
    const handle = await h.start(signup({ ssnLast4: '2222' }));
    const { ingoUserId } = await inReview(handle);
    await handle.cancel();

    const failure = await handle.result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const status = await h.status(handle);
    expect(status).toMatchObject({ status: 'cancelled', step: 'kyc' });
    const described = await handle.describe();
    expect(described.status.name).toBe('CANCELLED');
    expect(described.typedSearchAttributes.get(OnboardingStatusKey)).toBe('cancelled');
    const review = await h.env.client.workflow.getHandle(kycWorkflowId(ingoUserId)).describe();
    expect(review.status.name).toBe('CANCELLED');
  });
});
