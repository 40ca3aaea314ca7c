// The KYC step on the time-skipping server, Ingo faked in memory (fake-ingo.ts): the verification
// review's webhooks, polling, deduplication, spacing and deadline, and the onboarding's
// resubmission window. Days of waiting pass while a test awaits a result or `env.sleep`s.

import { describe, expect, it } from 'vitest';
import {
  resubmitKycUpdate,
  retryUpdate,
  reviewStatusChangedSignal,
  verificationResultSignal,
} from '../../src/contract/messages';
import type { KycReviewSummary, OnboardingStatusView } from '../../src/contract/onboarding-view';
import type { DecisionSource } from '../../src/contract/verification';
import type { KycStatus } from '../../src/ingo/kyc-status';
import type { SignupOptions } from './fake-ingo';
import { endedAttributes, updateRefusal, useWorkflowTests, type Started } from './harness';

const MINUTE = 60_000;

/** Minutes between consecutive times (server time), rounded. */
const minutesBetween = (times: number[]) =>
  times.slice(1).map((time, i) => Math.round((time - times[i]!) / MINUTE));

describe('onboarding workflow (fake Ingo): KYC review', () => {
  const t = useWorkflowTests();

  /**
   * Starts an onboarding, and waits until its review has submitted to Ingo (which answers
   * `in_review`). Webhooks signalled from then on reach the review, and time skipped from then on
   * passes for its waits.
   */
  async function startSubmitted(options?: SignupOptions): Promise<Started> {
    const started = await t.start(options);
    await t.until(() => started.signup.count('submitKyc') === 1, 'the KYC submission');
    return started;
  }

  /**
   * The onboarding completes, KYC verified, its last review decided by `decidedBy` after `counts`
   * polls and signals. Returns its final status.
   */
  async function completesDecidedBy(
    { handle }: Started,
    decidedBy: DecisionSource,
    counts: Omit<KycReviewSummary, 'decidedBy'>,
  ): Promise<OnboardingStatusView> {
    expect(await handle.result()).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    const status = await t.status(handle);
    expect(status.lastKycReview).toEqual({ decidedBy, ...counts });
    return status;
  }

  /**
   * Ingo verifies the applicant and its webhook arrives: confirmed by one check of Ingo's API, it
   * completes the onboarding (completesDecidedBy).
   */
  async function completesByWebhook(
    started: Started,
    counts: Omit<KycReviewSummary, 'decidedBy'>,
  ): Promise<OnboardingStatusView> {
    const { review, signup } = started;
    const checksBefore = signup.count('checkKyc');
    signup.decide('verified');
    await review.signal(verificationResultSignal, signup.kycEvent('verified'));
    const status = await completesDecidedBy(started, 'webhook', counts);
    expect(signup.count('checkKyc')).toBe(checksBefore + 1);
    return status;
  }

  it("takes the submission's own answer when Ingo decides at once: no wait, no check", async () => {
    const started = await t.start({ submissionAnswers: ['verified'] });
    const { signup } = started;
    await completesDecidedBy(started, 'submission', { polls: 0, signals: 0, duplicateSignals: 0 });
    expect(signup.count('submitKyc')).toBe(1);
    expect(signup.count('checkKyc')).toBe(0);
  });

  it('completes on a webhook within the grace period, confirmed by one check', async () => {
    const started = await startSubmitted();
    const { handle, signup } = started;
    // While the review runs there is nothing to retry and nothing to resubmit.
    expect((await updateRefusal(handle.executeUpdate(retryUpdate, { args: [{}] }))).type).toBe(
      'NotAllowedNow',
    );
    const refused = await updateRefusal(
      handle.executeUpdate(resubmitKycUpdate, {
        args: [{ ssn: '987654321', dateOfBirth: '1990-04-21' }],
      }),
    );
    expect(refused.type).toBe('NotAllowedNow');

    await completesByWebhook(started, { polls: 0, signals: 1, duplicateSignals: 0 });
    const [submit, check] = [signup.callsOf('submitKyc'), signup.callsOf('checkKyc')];
    expect([submit.length, check.length]).toEqual([1, 1]);
    // Confirmed at once, long before the first poll was due (10 minutes).
    expect(check[0]!.scheduledAt - submit[0]!.scheduledAt).toBeLessThan(MINUTE);
  });

  it('completes on a webhook that arrives after polling started', async () => {
    const started = await startSubmitted();
    const { review, signup } = started;
    // Grace period 10 minutes, then polls at 10 and 11 minutes (the next at 13).
    await t.env().sleep('12 minutes');
    const progress = await t.waitForReview(review, (p) => p.polls === 2);
    expect(progress).toMatchObject({ status: 'in_review', signals: 0 });
    expect(signup.count('checkKyc')).toBe(2);

    await completesByWebhook(started, { polls: 2, signals: 1, duplicateSignals: 0 });
  });

  it('polls with back-off (doubling, capped) when no webhook ever comes, and completes on the poll that finds the decision', async () => {
    const started = await startSubmitted();
    const { review, signup } = started;
    // Grace 10 minutes, then every 1, 2, 4, 4… minutes (capped at 4): polls at 10, 11, 13, 17, 21.
    await t.env().sleep('22 minutes');
    expect(await t.waitForReview(review, (p) => p.polls === 5)).toMatchObject({
      status: 'in_review',
    });
    expect(signup.count('checkKyc')).toBe(5);

    signup.decide('verified');
    await completesDecidedBy(started, 'poll', { polls: 6, signals: 0, duplicateSignals: 0 });
    const times = [signup.callsOf('submitKyc')[0]!, ...signup.callsOf('checkKyc')].map(
      (call) => call.scheduledAt,
    );
    expect(minutesBetween(times)).toEqual([10, 1, 2, 4, 4, 4]);
  });

  it('ignores a webhook delivered again with the same event id', async () => {
    const started = await startSubmitted();
    const { review, signup } = started;
    // A "failed" claim Ingo's API does not confirm: checked once, then seen again.
    const stale = signup.kycEvent('failed');
    await review.signal(verificationResultSignal, stale);
    await t.until(() => signup.count('checkKyc') === 1, 'the claim checked');
    await review.signal(verificationResultSignal, stale);
    expect(await t.waitForReview(review, (p) => p.duplicateSignals === 1)).toMatchObject({
      status: 'in_review',
      signals: 2,
    });
    expect(signup.count('checkKyc')).toBe(1);

    await completesByWebhook(started, { polls: 0, signals: 3, duplicateSignals: 1 });
  });

  it('ignores a webhook about another subject: no check, the decision comes by poll', async () => {
    const started = await startSubmitted();
    const { review, signup } = started;
    signup.decide('verified'); // Ingo has decided, but only another user's webhook arrives.
    await review.signal(
      verificationResultSignal,
      signup.kycEvent('verified', { subjectId: 'user-somebody-else' }),
    );
    const progress = await t.waitForReview(review, (p) => p.signals === 1 && p.polls === 0);
    await t.waitForReview(review, (p) => p.status === 'in_review');
    expect(progress.duplicateSignals).toBe(0);
    expect(signup.count('checkKyc')).toBe(0);

    await completesDecidedBy(started, 'poll', { polls: 1, signals: 1, duplicateSignals: 0 });
    expect(signup.count('checkKyc')).toBe(1);
  });

  it("changes nothing on a claim Ingo's API contradicts, nor on a status Ingo cannot have", async () => {
    const started = await startSubmitted();
    const { handle, review, signup } = started;
    await review.signal(verificationResultSignal, signup.kycEvent('failed'));
    await t.until(() => signup.count('checkKyc') === 1, 'the claim checked');
    // Display-only status changes sent to the onboarding: one Ingo cannot have, one of another user.
    await handle.signal(reviewStatusChangedSignal, {
      subjectId: signup.ingoUserId,
      status: 'approved' as KycStatus,
    });
    await handle.signal(reviewStatusChangedSignal, { subjectId: 'user-other', status: 'failed' });
    // An update is handled after the signals sent before it.
    await updateRefusal(handle.executeUpdate(retryUpdate, { args: [{}] }));

    expect(await t.waitForReview(review, (p) => p.signals === 1)).toMatchObject({
      status: 'in_review',
      polls: 0,
    });
    expect(await t.status(handle)).toMatchObject({
      status: 'in_progress',
      step: 'kyc',
      kycStatus: 'in_review',
    });
    expect((await t.searchAttributes(handle)).KycStatus).toBe('in_review');
    expect((await t.searchAttributes(review)).KycStatus).toBe('in_review');

    const status = await completesByWebhook(started, { polls: 0, signals: 2, duplicateSignals: 0 });
    expect(status.kycReasons).toBeUndefined();
  });

  it('confirms a burst of webhooks with one check per 2-second spacing', async () => {
    const started = await startSubmitted();
    const { review, signup } = started;
    // Five "verified" claims Ingo's API contradicts, each a new event: the first checked at once,
    await review.signal(verificationResultSignal, signup.kycEvent('verified'));
    await t.until(() => signup.count('checkKyc') === 1, 'the first claim checked');
    for (let n = 2; n <= 5; n += 1) {
      await review.signal(verificationResultSignal, signup.kycEvent('verified'));
    }
    await t.waitForReview(review, (p) => p.signals === 5);
    expect(signup.count('checkKyc')).toBe(1);
    // the other four together, once the spacing has passed.
    await t.env().sleep('3 seconds');
    expect(await t.waitForReview(review, (p) => p.signals === 5)).toMatchObject({
      status: 'in_review',
      polls: 0,
    });
    await t.until(() => signup.count('checkKyc') === 2, 'the rest checked together');

    // The decision's webhook, within the spacing of that check: confirmed once it has passed.
    await completesByWebhook(started, { polls: 0, signals: 6, duplicateSignals: 0 });
    const checks = signup.callsOf('checkKyc').map((call) => call.scheduledAt);
    expect(checks).toHaveLength(3);
    const [first, second, third] = checks as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(2_000);
    expect(second - first).toBeLessThan(3_000);
    expect(third - second).toBeGreaterThanOrEqual(2_000);
  });

  it('parks at the KYC deadline as KycDeadlineExceeded; an operator retry waits for the same review, never resubmitting', async () => {
    const started = await startSubmitted({
      timing: {
        kycGracePeriod: '50 minutes',
        kycPollInterval: '4 minutes',
        kycMaxPollInterval: '8 minutes',
        kycDeadline: '1 hour',
      },
    });
    const { handle, review, signup } = started;
    await t.env().sleep('2 hours');

    // Polls at 50 and 54 minutes, and at the deadline (60) instead of 62.
    const parked = await t.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'kyc',
      kycStatus: 'in_review',
      kycSubmissions: 1,
      attempts: { create_user: 1, kyc: 1 },
      lastError: { step: 'kyc', type: 'KycDeadlineExceeded' },
    });
    expect(parked.lastKycReview).toEqual({ polls: 3, signals: 0, duplicateSignals: 0 });
    expect((await review.describe()).status.name).toBe('COMPLETED');
    expect(await t.searchAttributes(handle)).toMatchObject({
      OnboardingStatus: 'needs_attention',
      OnboardingStep: 'kyc',
    });
    const wrongStep = await updateRefusal(
      handle.executeUpdate(retryUpdate, { args: [{ step: 'issue_account' }] }),
    );
    expect(wrongStep.type).toBe('NotAllowedNow');
    expect(wrongStep.message).toContain('the step waiting for a retry is kyc, not issue_account');

    signup.decide('verified');
    expect(await handle.executeUpdate(retryUpdate, { args: [{ step: 'kyc' }] })).toEqual({
      step: 'kyc',
      attempt: 2,
    });
    // The second review looked the submission up at Ingo instead of submitting it again.
    const status = await completesDecidedBy(started, 'poll', {
      polls: 0,
      signals: 0,
      duplicateSignals: 0,
    });
    expect(status.attempts).toEqual({ create_user: 1, kyc: 2, issue_account: 1 });
    expect(status.kycSubmissions).toBe(1);
    expect(signup.count('submitKyc')).toBe(1);
    expect(signup.count('checkKyc')).toBe(4);
  });

  it('refuses corrected KYC data that fails validation, naming the fields but not the values', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['failed'] });
    await t.waitFor(handle, (s) => s.status === 'awaiting_kyc_resubmission');
    expect((await t.searchAttributes(handle)).OnboardingStatus).toBe('awaiting_kyc_resubmission');
    const invalid = await updateRefusal(
      handle.executeUpdate(resubmitKycUpdate, {
        args: [{ ssn: '12-34', dateOfBirth: '2190-01-01' }],
      }),
    );
    expect(invalid.type).toBe('InvalidKycData');
    expect(invalid.message).toMatch(/ssn/);
    expect(invalid.message).toMatch(/dateOfBirth/);
    expect(invalid.message).not.toMatch(/12-34|2190/);
    expect(await t.status(handle)).toMatchObject({
      status: 'awaiting_kyc_resubmission',
      kycSubmissions: 1,
    });
    expect(signup.count('submitKyc')).toBe(1);
  });

  it('after a failed review, takes corrected data and completes on the second submission', async () => {
    const started = await startSubmitted();
    const { handle, review, signup } = started;
    signup.decide('failed');
    const failedEvent = signup.kycEvent('failed');
    await review.signal(verificationResultSignal, failedEvent);

    const awaiting = await t.waitFor(handle, (s) => s.status === 'awaiting_kyc_resubmission');
    expect(awaiting).toMatchObject({
      step: 'kyc',
      kycStatus: 'failed',
      kycSubmissions: 1,
      kycReasons: ['SSN does not match'],
      lastKycReview: { decidedBy: 'webhook', polls: 0, signals: 1 },
    });
    expect((await updateRefusal(handle.executeUpdate(retryUpdate, { args: [{}] }))).type).toBe(
      'NotAllowedNow',
    );

    const corrected = { ssn: '987654321', dateOfBirth: '1990-04-21' };
    expect(await handle.executeUpdate(resubmitKycUpdate, { args: [corrected] })).toEqual({
      submission: 2,
    });
    await t.waitFor(
      handle,
      (s) => s.kycSubmissions === 2 && s.status === 'in_progress' && s.kycStatus === 'in_review',
    );
    expect(signup.callsOf('submitKyc')[1]!.input).toEqual({
      ingoUserId: signup.ingoUserId,
      ...corrected,
      statusBefore: 'failed',
    });
    expect(
      (await updateRefusal(handle.executeUpdate(resubmitKycUpdate, { args: [corrected] }))).type,
    ).toBe('NotAllowedNow');

    // The first review's webhook, delivered again to the second: a duplicate, not a wake-up.
    await review.signal(verificationResultSignal, failedEvent);
    await t.waitForReview(review, (p) => p.duplicateSignals === 1);
    expect(signup.count('checkKyc')).toBe(1);

    const status = await completesByWebhook(started, { polls: 0, signals: 2, duplicateSignals: 1 });
    expect(status).toMatchObject({ status: 'completed', kycSubmissions: 2 });
    expect(status.attempts).toMatchObject({ kyc: 2 });
    expect(signup.count('submitKyc')).toBe(2);
    expect(signup.count('checkKyc')).toBe(2);
  });

  it('ends kyc_failed when no corrected data comes within the resubmission window', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['failed'] });
    const awaiting = await t.waitFor(handle, (s) => s.status === 'awaiting_kyc_resubmission');
    const submittedAt = signup.callsOf('submitKyc')[0]!.scheduledAt;
    const window = Date.parse(awaiting.resubmitBy!) - submittedAt;
    expect(Math.round(window / MINUTE)).toBe(24 * 60);

    const result = await handle.result();
    expect(result).toEqual({
      outcome: 'kyc_failed',
      signupId: signup.signupId,
      ingoUserId: signup.ingoUserId,
      kycStatus: 'failed',
      reasons: [],
      reasonCodes: [],
    });
    const status = await t.status(handle);
    expect(status).toMatchObject({ status: 'kyc_failed', step: 'done', result });
    expect(status.resubmitBy).toBeUndefined();
    expect(await t.searchAttributes(handle)).toEqual(
      endedAttributes(signup, 'kyc_failed', 'failed'),
    );
    expect(signup.count('submitKyc')).toBe(1);
    expect(signup.count('issueRoutableAccount')).toBe(0);
  });
});
