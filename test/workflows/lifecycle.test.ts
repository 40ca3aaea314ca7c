// The onboarding from start to end on the time-skipping server, Ingo faked in memory
// (fake-ingo.ts): the complete run, cancellation at every step, and input it refuses.

import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { verificationResultSignal } from '../../src/contract/messages';
import { ONBOARDING_STEPS, type OnboardingStep } from '../../src/contract/onboarding-view';
import { answerLost, validationError, serviceUnavailable } from './fake-ingo';
import { endedAttributes, useWorkflowTests, workflowFailure, type Started } from './harness';

describe('onboarding workflow (fake Ingo): lifecycle', () => {
  const t = useWorkflowTests();

  it('completes every step, optional ones included, and reports it in its view and search attributes', async () => {
    const started = await t.start({ withBankAccount: true, withPayouts: true });
    const { handle, review, signup } = started;
    await t.waitForReview(review, (p) => p.status === 'in_review');
    const during = await t.waitFor(handle, (s) => s.kycStatus === 'in_review');
    expect(during).toMatchObject({ status: 'in_progress', step: 'kyc', kycSubmissions: 1 });

    signup.decide('verified');
    await review.signal(verificationResultSignal, signup.kycEvent('verified'));
    const result = await handle.result();

    const account = signup.accounts[0]!;
    expect(signup.accounts).toHaveLength(1);
    expect(result).toEqual({
      outcome: 'completed',
      signupId: signup.signupId,
      ingoUserId: signup.ingoUserId,
      kycStatus: 'verified',
      routableAccount: account,
      linkedBankAccount: {
        bankAccountId: `ba-${signup.signupId}`,
        routingNumber: '021000021',
        accountNumberLast4: '6789',
        bankName: 'JPMorgan Chase Bank',
      },
      payoutTokens: {
        checkByMail: {
          customerAccountToken: `tok-check-${signup.signupId}`,
          last4: '0038',
          partialAddressMatch: false,
        },
        billPay: {
          customerAccountToken: `tok-bill-${signup.signupId}`,
          last4: '7890',
          payeeId: 'P-1001',
          billerName: 'Metro Power & Light',
          partialAddressMatch: false,
        },
      },
    });

    // Each activity once, in order, with what the onboarding derives (ids, keys, no SSN to Ingo's user).
    expect(signup.calls.map((call) => [call.activity, call.attempt])).toEqual([
      ['ensureIngoUser', 1],
      ['submitKyc', 1],
      ['checkKyc', 1],
      ['issueRoutableAccount', 1],
      ['linkBankAccount', 1],
      ['tokenizeCheck', 1],
      ['tokenizeBillPay', 1],
    ]);
    const [ensure, submit, , issue, link, check, billPay] = signup.calls.map((call) => call.input);
    // The user gets the applicant's profile (a US address); only the KYC submission its SSN and birth date.
    const { ssn, dateOfBirth, ...profile } = signup.request.applicant;
    expect(ensure).toEqual({
      onboardingId: signup.workflowId,
      applicant: { ...profile, address: { ...profile.address, country: 'US' } },
    });
    expect(submit).toEqual({
      ingoUserId: signup.ingoUserId,
      ssn,
      dateOfBirth,
      statusBefore: 'not_started',
    });
    expect(issue).toEqual({ ingoUserId: signup.ingoUserId });
    expect(link).toEqual({
      ingoUserId: signup.ingoUserId,
      idempotentKey: `${signup.workflowId}:bank-account`,
      firstName: 'Jane',
      lastName: 'Doe',
      accountNumber: '000123456789',
      routingNumber: '021000021',
    });
    expect(check).toMatchObject({ uniqueId: `${signup.workflowId}:check` });
    expect(billPay).toMatchObject({
      uniqueId: `${signup.workflowId}:bill-pay`,
      holder: { firstName: 'Jane', lastName: 'Doe' },
    });

    const status = await t.status(handle);
    expect(status).toMatchObject({
      signupId: signup.signupId,
      status: 'completed',
      step: 'done',
      ingoUserId: signup.ingoUserId,
      kycStatus: 'verified',
      kycSubmissions: 1,
      routableAccount: account,
      result,
    });
    // Every step (all but `done`) started once.
    const steps = ONBOARDING_STEPS.filter((step) => step !== 'done');
    expect(status.attempts).toEqual(Object.fromEntries(steps.map((step) => [step, 1])));
    expect(status.lastKycReview).toEqual({
      decidedBy: 'webhook',
      polls: 0,
      signals: 1,
      duplicateSignals: 0,
    });
    expect(status.lastError).toBeUndefined();
    expect(await t.searchAttributes(handle)).toEqual(
      endedAttributes(signup, 'completed', 'verified'),
    );
    expect(await t.searchAttributes(review)).toEqual({
      OnboardingStatus: undefined,
      OnboardingStep: undefined,
      KycStatus: 'verified',
      IngoUserId: signup.ingoUserId,
    });
    expect((await review.describe()).status.name).toBe('COMPLETED');
  });

  /** Cancels the onboarding: a clear final state, at the step it was in, in every view. */
  async function expectCancelled({ handle }: Started, step: OnboardingStep) {
    await handle.cancel();
    expect(await workflowFailure(handle.result())).toBeInstanceOf(CancelledFailure);
    expect(await t.status(handle)).toMatchObject({ status: 'cancelled', step });
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await t.searchAttributes(handle)).toMatchObject({
      OnboardingStatus: 'cancelled',
      OnboardingStep: step,
    });
  }

  it('cancels at create_user (parked there): nothing more is asked of Ingo', async () => {
    const started = await t.start();
    started.signup.fail('ensureIngoUser', validationError('user/create'));
    await t.waitFor(started.handle, (s) => s.status === 'needs_attention');
    await expectCancelled(started, 'create_user');
    expect(started.signup.calls.map((call) => call.activity)).toEqual(['ensureIngoUser']);
  });

  it('cancels at kyc while the review waits: the review is cancelled too', async () => {
    const started = await t.start();
    await t.waitForReview(started.review, (p) => p.status === 'in_review');
    await expectCancelled(started, 'kyc');
    expect((await started.review.describe()).status.name).toBe('CANCELLED');
    expect(started.signup.count('checkKyc')).toBe(0);
  });

  it('cancels while awaiting corrected KYC data', async () => {
    const started = await t.start({ submissionAnswers: ['failed'] });
    await t.waitFor(started.handle, (s) => s.status === 'awaiting_kyc_resubmission');
    await expectCancelled(started, 'kyc');
    expect(started.signup.count('submitKyc')).toBe(1);
  });

  it('cancels at a parked issue_account, issuing nothing more', async () => {
    const started = await t.start({ submissionAnswers: ['verified'] });
    started.signup.fail('issueRoutableAccount', { afterDoing: answerLost('account/issue') });
    await t.waitFor(started.handle, (s) => s.status === 'needs_attention');
    await expectCancelled(started, 'issue_account');
    expect(started.signup.count('issueRoutableAccount')).toBe(1);
    expect(started.signup.accounts).toHaveLength(1);
  });

  it('cancels at link_bank_account while its activity waits to be retried', async () => {
    const started = await t.start({
      submissionAnswers: ['verified'],
      withBankAccount: true,
      withPayouts: true,
      timing: { retryInitialInterval: '1 hour', retryMaxInterval: '1 hour' },
    });
    started.signup.fail('linkBankAccount', serviceUnavailable('bank-account/save'));
    await t.until(() => started.signup.count('linkBankAccount') === 1, 'the first link attempt');
    await t.waitFor(started.handle, (s) => s.step === 'link_bank_account');
    await expectCancelled(started, 'link_bank_account');
    expect(started.signup.count('linkBankAccount')).toBe(1);
    expect(started.signup.count('tokenizeCheck')).toBe(0);
  });

  /** Starts the workflow directly, bypassing startOnboarding's own check of the request. */
  async function failedStart(workflowId: string, input: unknown): Promise<ApplicationFailure> {
    t.track(workflowId);
    const handle = await t.env().client.workflow.start('onboarding', {
      taskQueue: t.taskQueue,
      workflowId,
      args: [input],
    });
    const cause = await workflowFailure(handle.result());
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('InvalidOnboardingInput');
    return cause as ApplicationFailure;
  }

  it('fails on invalid input with InvalidOnboardingInput naming the field, never its value', async () => {
    const signup = t.ingo.signup();
    const bad = structuredClone(signup.request);
    bad.applicant.ssn = '98-76-5';
    const invalid = await failedStart(signup.workflowId, bad);
    expect(invalid.message).toMatch(/applicant\.ssn/);
    expect(invalid.message).not.toContain('98-76-5');
    expect(JSON.stringify(invalid.details)).not.toContain('98-76-5');
    const issues = invalid.details?.[0] as { field: string }[];
    expect(issues.map((issue) => issue.field)).toEqual(['applicant.ssn']);
    expect(invalid.nonRetryable).toBe(true);
    // Not even an object: refused the same way.
    expect((await failedStart(`onboarding-nothing-${randomUUID()}`, null)).message).toMatch(
      /^invalid onboarding input/,
    );
    expect(signup.calls).toEqual([]);
  });

  it("fails when started under another workflow id than the signup's", async () => {
    const signup = t.ingo.signup();
    const wrong = await failedStart(`onboarding-elsewhere-${randomUUID()}`, signup.request);
    expect(wrong.message).toContain(`must run as workflow ${signup.workflowId}`);
    expect(signup.calls).toEqual([]);
  });
});
