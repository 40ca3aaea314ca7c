// How the onboarding's steps fail, park and are retried, on the time-skipping server with Ingo
// faked in memory (fake-ingo.ts): Temporal's retries, parking in `needs_attention`, the operator's
// `retry` update, and the account issue that is never repeated blindly.

import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  retryUpdate,
  routableAccountIssuedSignal,
  verificationResultSignal,
} from '../../src/contract/messages';
import type {
  OnboardingStatusView,
  OnboardingStep,
  StepError,
} from '../../src/contract/onboarding-view';
import type { OnboardingHandle } from '../../src/temporal/start-onboarding';
import {
  answerLost,
  Gate,
  internalError,
  rateLimited,
  serviceUnavailable,
  userConflict,
  validationError,
} from './fake-ingo';
import { updateRefusal, useWorkflowTests } from './harness';

const MINUTE = 60_000;

describe('onboarding workflow (fake Ingo): failing steps', () => {
  const t = useWorkflowTests();

  /** Waits until the onboarding parks: at `step`, after its first attempt, failed with `error`. */
  async function parksAfterOneAttempt(
    handle: OnboardingHandle,
    step: OnboardingStep,
    error: Partial<StepError>,
  ): Promise<OnboardingStatusView> {
    const parked = await t.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({ step, attempts: { [step]: 1 }, lastError: { step, ...error } });
    return parked;
  }

  it('refuses a retry while nothing is parked, and one naming another step than the parked one', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    const creating = new Gate();
    signup.fail('ensureIngoUser', { gate: creating });
    signup.fail('issueRoutableAccount', answerLost('account/issue'));
    await creating.reached;
    const idle = await updateRefusal(handle.executeUpdate(retryUpdate, { args: [{}] }));
    expect(idle.type).toBe('NotAllowedNow');
    expect(idle.message).toBe('nothing to retry: the onboarding is in_progress');
    creating.open();

    await t.waitFor(handle, (s) => s.status === 'needs_attention');
    const wrong = await updateRefusal(
      handle.executeUpdate(retryUpdate, { args: [{ step: 'kyc' }] }),
    );
    expect(wrong.type).toBe('NotAllowedNow');
    expect(wrong.message).toBe('the step waiting for a retry is issue_account, not kyc');
    expect(signup.count('issueRoutableAccount')).toBe(1);

    expect(await handle.executeUpdate(retryUpdate, { args: [{ step: 'issue_account' }] })).toEqual({
      step: 'issue_account',
      attempt: 2,
    });
    expect(await handle.result()).toMatchObject({
      outcome: 'completed',
      routableAccount: signup.accounts[0],
    });
    expect(signup.accounts).toHaveLength(1);
    expect(signup.count('issueRoutableAccount')).toBe(2);
    expect((await t.status(handle)).attempts).toMatchObject({ issue_account: 2 });
  });

  it("retries a step's transient failures by its retry policy, parks it once they are exhausted, and an operator retry completes it", async () => {
    const { handle, signup } = await t.start({
      submissionAnswers: ['verified'],
      withBankAccount: true,
    });
    const unavailable = serviceUnavailable('bank-account/save');
    signup.fail('linkBankAccount', unavailable, unavailable, unavailable);
    await t.until(() => signup.count('linkBankAccount') === 1, 'the first link attempt');
    await t.env().sleep('1 second'); // Temporal's back-off between the attempts: 100 ms, 200 ms

    await parksAfterOneAttempt(handle, 'link_bank_account', {
      type: 'IngoServerError',
      code: 'SERVICE_UNAVAILABLE',
      fields: [],
    });
    // One activity, retried by Temporal up to retryMaxAttempts (3).
    expect(signup.callsOf('linkBankAccount').map((call) => call.attempt)).toEqual([1, 2, 3]);
    expect(await t.searchAttributes(handle)).toMatchObject({
      OnboardingStatus: 'needs_attention',
      OnboardingStep: 'link_bank_account',
    });

    expect(await handle.executeUpdate(retryUpdate, { args: [{}] })).toEqual({
      step: 'link_bank_account',
      attempt: 2,
    });
    expect(await handle.result()).toMatchObject({
      outcome: 'completed',
      linkedBankAccount: { bankAccountId: `ba-${signup.signupId}` },
    });
    expect(signup.count('linkBankAccount')).toBe(4);
    const status = await t.status(handle);
    expect(status.attempts).toMatchObject({ link_bank_account: 2 });
    expect(status.lastError).toMatchObject({ step: 'link_bank_account' }); // kept as history
    expect((await t.searchAttributes(handle)).OnboardingStatus).toBe('completed');
  });

  it('parks a non-retryable failure at once, naming its type, code and fields; an operator retry after the fix completes', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    signup.fail('ensureIngoUser', validationError('user/create', ['phone_number']));
    const parked = await parksAfterOneAttempt(handle, 'create_user', {
      type: 'IngoValidationError',
      code: 'VALIDATION_ERROR',
      fields: ['phone_number'],
    });
    expect(parked.ingoUserId).toBeUndefined();
    expect(signup.calls.map((call) => call.activity)).toEqual(['ensureIngoUser']);

    expect(await handle.executeUpdate(retryUpdate, { args: [{ step: 'create_user' }] })).toEqual({
      step: 'create_user',
      attempt: 2,
    });
    expect(await handle.result()).toMatchObject({ outcome: 'completed' });
    expect(signup.count('ensureIngoUser')).toBe(2);
    expect((await t.status(handle)).attempts).toMatchObject({ create_user: 2, kyc: 1 });
  });

  it("parks at once when Ingo has somebody else's user with the applicant's email (IngoUserConflict)", async () => {
    const { handle, signup } = await t.start();
    signup.fail('ensureIngoUser', userConflict());
    const parked = await t.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked.lastError).toMatchObject({ step: 'create_user', type: 'IngoUserConflict' });
    expect(signup.count('ensureIngoUser')).toBe(1);
  });

  it('parks kyc when Ingo refuses the submission; the retry submits again', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    signup.fail('submitKyc', validationError('user/send-verification-request', ['ssn']));
    const parked = await t.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'kyc',
      kycSubmissions: 1,
      lastError: { step: 'kyc', type: 'IngoValidationError', fields: ['ssn'] },
    });

    await handle.executeUpdate(retryUpdate, { args: [{ step: 'kyc' }] });
    expect(await handle.result()).toMatchObject({ outcome: 'completed' });
    expect(signup.callsOf('submitKyc').map((call) => call.input)).toEqual([
      expect.objectContaining({ ssn: '123456789', statusBefore: 'not_started' }),
      expect.objectContaining({ ssn: '123456789', statusBefore: 'not_started' }),
    ]);
    expect(signup.count('checkKyc')).toBe(0);
    const status = await t.status(handle);
    expect(status).toMatchObject({ kycSubmissions: 1, attempts: { kyc: 2 } });
    expect(status.lastKycReview?.decidedBy).toBe('submission');
  });

  it('parks kyc when a check after the submission fails; the retry looks the review up, never resubmitting', async () => {
    const { handle, review, signup } = await t.start();
    signup.fail('checkKyc', validationError('user/check-verification-request', ['user_id']));
    await t.until(() => signup.count('submitKyc') === 1, 'the KYC submission');
    await review.signal(verificationResultSignal, signup.kycEvent('verified'));
    const parked = await t.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked.lastError).toMatchObject({ step: 'kyc', type: 'IngoValidationError' });

    signup.decide('verified');
    await handle.executeUpdate(retryUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ outcome: 'completed' });
    expect(signup.count('submitKyc')).toBe(1);
    expect(signup.count('checkKyc')).toBe(2);
    expect((await t.status(handle)).lastKycReview?.decidedBy).toBe('poll');
  });

  it("parks an account issue whose answer was lost as IngoOutcomeUnknown; Ingo's announcement settles it with the account it issued, never a second", async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    signup.fail('issueRoutableAccount', { afterDoing: answerLost('account/issue') });
    const parked = await t.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'issue_account',
      lastError: { step: 'issue_account', type: 'IngoOutcomeUnknown', code: 'TIMEOUT' },
    });
    expect(parked.lastError?.message).toContain("Waiting for Ingo's account.issue.created webhook");
    expect(parked.routableAccount).toBeUndefined();
    expect(signup.accounts).toHaveLength(1); // issued at Ingo all the same

    await handle.signal(routableAccountIssuedSignal, signup.announcement(signup.accounts[0]!));
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', routableAccount: signup.accounts[0] });
    expect(signup.accounts).toHaveLength(1);
    expect(signup.count('issueRoutableAccount')).toBe(1);
    const status = await t.status(handle);
    expect(status).toMatchObject({
      status: 'completed',
      routableAccount: signup.accounts[0],
      attempts: { issue_account: 1 },
    });
  });

  it('retries the account issue itself while Ingo proves nothing happened (503, then 429), with back-off', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    signup.fail(
      'issueRoutableAccount',
      serviceUnavailable('account/issue'),
      rateLimited('account/issue', 5 * MINUTE),
    );
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', routableAccount: signup.accounts[0] });
    expect(signup.accounts).toHaveLength(1);
    // Each a single-attempt activity of its own, retried by the workflow after 100 ms, 200 ms.
    const calls = signup.callsOf('issueRoutableAccount');
    expect(calls.map((call) => call.attempt)).toEqual([1, 1, 1]);
    const [first, second, third] = calls.map((call) => call.scheduledAt) as [
      number,
      number,
      number,
    ];
    expect(second - first).toBeGreaterThanOrEqual(100);
    expect(third - second).toBeGreaterThanOrEqual(200);
    const status = await t.status(handle);
    expect(status.attempts).toMatchObject({ issue_account: 1 });
    expect(status.lastError).toBeUndefined();
  });

  // Ingo's Retry-After reaches workflow code in the failure's details: the SDK's failure converter
  // does not decode `nextRetryDelay`.
  it("waits for a 429's Retry-After before issuing the account again", async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    signup.fail('issueRoutableAccount', rateLimited('account/issue', 5 * MINUTE));
    await handle.result();
    const [first, second] = signup.callsOf('issueRoutableAccount').map((call) => call.scheduledAt);
    expect(second! - first!).toBeGreaterThanOrEqual(5 * MINUTE);
  });

  it('treats a 500 from the account issue as an unknown outcome: parked, never retried blindly', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    signup.fail('issueRoutableAccount', { afterDoing: internalError('account/issue') });
    const parked = await t.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked.lastError).toMatchObject({
      step: 'issue_account',
      type: 'IngoOutcomeUnknown',
      code: 'INTERNAL_ERROR',
    });
    await t.env().sleep('1 hour');
    expect(await t.status(handle)).toMatchObject({ status: 'needs_attention' });
    expect(signup.count('issueRoutableAccount')).toBe(1);
  });

  it('parks an issue attempt that gets no answer within activityTimeout as an unknown outcome; an operator retry issues', async () => {
    const { handle, signup } = await t.start({
      submissionAnswers: ['verified'],
      timing: { activityTimeout: '150 milliseconds' },
    });
    signup.fail('issueRoutableAccount', 'hang');
    const parked = await t.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked.lastError).toMatchObject({ step: 'issue_account', type: 'IngoOutcomeUnknown' });
    expect(parked.lastError?.message).toContain(
      'issueRoutableAccount did not finish (START_TO_CLOSE)',
    );
    expect(signup.count('issueRoutableAccount')).toBe(1);

    await handle.executeUpdate(retryUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ routableAccount: signup.accounts[0] });
    expect(signup.count('issueRoutableAccount')).toBe(2);
    expect(signup.accounts).toHaveLength(1);
  });

  it('ignores an announcement for another Ingo user and a malformed one: the parked step stays for the operator', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    signup.fail('issueRoutableAccount', answerLost('account/issue'));
    await t.waitFor(handle, (s) => s.status === 'needs_attention');
    const foreign = {
      routableBankAccountId: 'ra-somebody-else',
      routingNumber: '084106768',
      accountNumberLast4: '9999',
    };
    await handle.signal(
      routableAccountIssuedSignal,
      signup.announcement(foreign, { userId: 'user-somebody-else' }),
    );
    await handle.signal(
      routableAccountIssuedSignal,
      signup.announcement(
        { ...foreign, routableBankAccountId: 'ra-malformed' },
        { routingNumber: '12' },
      ),
    );
    // The retry is handled after both signals: were either adopted, the step would have settled.
    expect(await handle.executeUpdate(retryUpdate, { args: [{}] })).toEqual({
      step: 'issue_account',
      attempt: 2,
    });
    const result = await handle.result();
    expect(result).toMatchObject({ routableAccount: signup.accounts[0] });
    expect(signup.accounts[0]!.routableBankAccountId).toBe(`ra-${signup.signupId}-1`);
    expect(signup.count('issueRoutableAccount')).toBe(2);
  });

  it('adopts an announcement that arrives while the issue call is still out: no park, no second issue', async () => {
    const { handle, signup } = await t.start({ submissionAnswers: ['verified'] });
    const gate = new Gate();
    signup.fail('issueRoutableAccount', { gate, then: answerLost('account/issue') });
    await gate.reached;
    await handle.signal(routableAccountIssuedSignal, signup.announcement(signup.accounts[0]!));
    // Handled after the signal (and refused: nothing is parked).
    await updateRefusal(handle.executeUpdate(retryUpdate, { args: [{}] }));
    gate.open();

    expect(await handle.result()).toMatchObject({ routableAccount: signup.accounts[0] });
    expect(signup.count('issueRoutableAccount')).toBe(1);
    expect(signup.accounts).toHaveLength(1);
    const status = await t.status(handle);
    expect(status.attempts).toMatchObject({ issue_account: 1 });
    // It failed (the lost answer) but never parked: settled by the announcement at once.
    expect(status.lastError).toMatchObject({ step: 'issue_account', type: 'IngoOutcomeUnknown' });
  });

  it('never issues again when an operator retries after the announcement', async () => {
    const { handle, signup } = await t.start({
      submissionAnswers: ['verified'],
      withBankAccount: true,
    });
    signup.fail('issueRoutableAccount', { afterDoing: answerLost('account/issue') });
    signup.fail('linkBankAccount', validationError('bank-account/save', ['routing_number']));
    await t.waitFor(handle, (s) => s.status === 'needs_attention');
    // The announcement, then the operator's retry: handled in the same workflow task, the retry is
    // accepted and the parked step takes the announced account instead of re-running; handled
    // after it, the retry is refused, nothing being parked any more. Either way, no second issue.
    await handle.signal(routableAccountIssuedSignal, signup.announcement(signup.accounts[0]!));
    const retried = await handle
      .executeUpdate(retryUpdate, { args: [{ step: 'issue_account' }] })
      .catch((error: unknown) => error);
    if (retried instanceof WorkflowUpdateFailedError) {
      expect((retried.cause as ApplicationFailure).type).toBe('NotAllowedNow');
    } else {
      expect(retried).toEqual({ step: 'issue_account', attempt: 2 });
    }
    // Later retries re-run only the step that is parked then.
    await t.waitFor(
      handle,
      (s) => s.status === 'needs_attention' && s.step === 'link_bank_account',
    );
    const wrong = await updateRefusal(
      handle.executeUpdate(retryUpdate, { args: [{ step: 'issue_account' }] }),
    );
    expect(wrong.message).toBe(
      'the step waiting for a retry is link_bank_account, not issue_account',
    );
    await handle.executeUpdate(retryUpdate, { args: [{}] });

    expect(await handle.result()).toMatchObject({ routableAccount: signup.accounts[0] });
    expect(signup.count('issueRoutableAccount')).toBe(1);
    expect(signup.accounts).toHaveLength(1);
    expect(signup.count('linkBankAccount')).toBe(2);
    expect((await t.status(handle)).attempts).toMatchObject({
      issue_account: 1,
      link_bank_account: 2,
    });
  });
});
