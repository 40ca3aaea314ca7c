// End to end on the real Temporal dev server, with the real activities calling the Ingo sandbox
// over HTTP and KYC webhooks delivered as signals. Every SSN scenario of the sandbox contract, the
// operator paths, and lost responses on the two calls Ingo does not deduplicate (the account issue
// in depth: account-announcement.test.ts).
//
// RECORD_HISTORIES=1 also saves some runs' histories for the replay test (see harness.ts).

import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resubmitKycUpdate, retryUpdate } from '../../src/contract/messages';
import {
  IngoUserIdKey,
  KycStatusKey,
  OnboardingStatusKey,
  OnboardingStepKey,
} from '../../src/contract/search-attributes';
import { OnboardingRequestError } from '../../src/temporal/start-onboarding';
import { NO_FAULTS, until } from '../sandbox/helpers';
import { FAST, signup, startHarness, type Harness } from './harness';

describe('onboarding end to end on the dev server', () => {
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

  it('onboards a signup with everything: user, KYC by webhook, account, linked account, payout tokens', async () => {
    const request = signup({ withBankAccount: true, withPayouts: true, timing: FAST });
    const handle = await h.start(request);
    const result = await handle.result();

    expect(result).toMatchObject({
      outcome: 'completed',
      signupId: request.signupId,
      kycStatus: 'verified',
      routableAccount: {
        routableBankAccountId: expect.stringMatching(/^rbac-/) as unknown,
        routingNumber: expect.stringMatching(/^\d{9}$/) as unknown,
        accountNumberLast4: expect.stringMatching(/^\d{4}$/) as unknown,
      },
      linkedBankAccount: {
        bankAccountId: expect.stringMatching(/^bbac-/) as unknown,
        accountNumberLast4: '6789',
      },
      payoutTokens: {
        checkByMail: { last4: '0038' },
        billPay: { last4: '7890', payeeId: '200104', billerName: 'Metro Power & Light' },
      },
    });
    if (result.outcome !== 'completed') throw new Error('unreachable');

    const user = await h.ingoUser(result.ingoUserId);
    expect(user.meta_data).toEqual([
      { name: 'onboarding_id', value: `onboarding-${request.signupId}` },
    ]);
    expect(user.routable_accounts.map((a) => a.id)).toEqual([
      result.routableAccount.routableBankAccountId,
    ]);
    expect(user.bank_accounts.map((a) => a.id)).toEqual([result.linkedBankAccount!.bankAccountId]);

    const status = await h.status(handle);
    expect(status).toMatchObject({
      status: 'completed',
      step: 'done',
      ingoUserId: result.ingoUserId,
      kycStatus: 'verified',
      kycSubmissions: 1,
      attempts: {
        create_user: 1,
        kyc: 1,
        issue_account: 1,
        link_bank_account: 1,
        tokenize_check: 1,
        tokenize_bill_pay: 1,
      },
    });
    expect(status.lastKycReview?.decidedBy).toBe('webhook');

    const described = await handle.describe();
    const attributes = described.typedSearchAttributes;
    expect(attributes.get(OnboardingStatusKey)).toBe('completed');
    expect(attributes.get(OnboardingStepKey)).toBe('done');
    expect(attributes.get(IngoUserIdKey)).toBe(result.ingoUserId);
    expect(attributes.get(KycStatusKey)).toBe('verified');
    expect(await described.staticSummary()).toBe(`Onboarding of signup ${request.signupId}`);

    // Nothing personal in what the UI shows unencrypted: search attributes, details, result.
    const visible = JSON.stringify([attributes, await described.staticDetails(), result, status]);
    expect(visible).not.toContain(request.applicant.ssn);
    expect(visible).not.toContain(request.applicant.dateOfBirth);
    expect(visible).not.toContain(request.bankAccount!.accountNumber);

    const history = await handle.fetchHistory();
    console.info(`happy-path onboarding history: ${history.events?.length} events`);
    await h.record('happy-path', handle, result.ingoUserId);
  });

  it('ends kyc_failed for SSN ...0000 when no corrected data comes in time', async () => {
    const handle = await h.start(
      signup({ ssnLast4: '0000', timing: { ...FAST, kycResubmitWindow: '1 second' } }),
    );
    const result = await handle.result();
    expect(result).toMatchObject({
      outcome: 'kyc_failed',
      kycStatus: 'failed',
      reasons: [expect.any(String)],
      reasonCodes: ['ID_MISMATCH'],
    });
    expect((await h.ingoUser(result.ingoUserId)).routable_accounts).toEqual([]);
  });

  it('completes SSN ...0000 after an operator resubmits corrected KYC data', async () => {
    const handle = await h.start(signup({ ssnLast4: '0000', timing: FAST }));
    await h.waitFor(handle, (s) => s.status === 'awaiting_kyc_resubmission');
    await handle.executeUpdate(resubmitKycUpdate, {
      args: [{ ssn: '123454444', dateOfBirth: '1990-04-21' }],
    });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    expect((await h.status(handle)).kycSubmissions).toBe(2);
    await h.record('kyc-resubmitted', handle, result.ingoUserId);
  });

  it('an operator retry after a failed resubmission submits the corrected data, not the old verdict', async () => {
    const handle = await h.start(
      signup({ ssnLast4: '0000', timing: { ...FAST, retryMaxAttempts: 2 } }),
    );
    await h.waitFor(handle, (s) => s.status === 'awaiting_kyc_resubmission');
    await h.sandbox.admin('PUT', '/faults', {
      errorRate: 1,
      paths: ['/api/v4/user/send-verification-request'],
    });
    await handle.executeUpdate(resubmitKycUpdate, {
      args: [{ ssn: '123454444', dateOfBirth: '1990-04-21' }],
    });
    const parked = await h.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'kyc',
      kycStatus: 'failed',
      lastError: { type: 'IngoServerError' },
    });

    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
    await handle.executeUpdate(retryUpdate, { args: [{ step: 'kyc' }] });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    expect((await h.ingoUser(result.ingoUserId)).kyc_status).toBe('verified');
  });

  it('finds the decision by polling for SSN ...1111 (no webhook is ever sent)', async () => {
    const handle = await h.start(signup({ ssnLast4: '1111', timing: FAST }));
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    const { lastKycReview } = await h.status(handle);
    expect(lastKycReview).toMatchObject({ decidedBy: 'poll', signals: 0 });
  });

  it('waits for a manual review (SSN ...2222) until the decision arrives by webhook', async () => {
    const handle = await h.start(
      signup({ ssnLast4: '2222', timing: { ...FAST, kycGracePeriod: '1 minute' } }),
    );
    const { ingoUserId } = await h.waitFor(handle, (s) => s.kycStatus === 'in_review');
    await h.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, { status: 'verified' });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    expect((await h.status(handle)).lastKycReview).toMatchObject({
      decidedBy: 'webhook',
      polls: 0,
    });
  });

  it('acts once on a webhook delivered three times (SSN ...3333)', async () => {
    const handle = await h.start(
      signup({ ssnLast4: '3333', timing: { ...FAST, kycGracePeriod: '1 minute' } }),
    );
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
    expect((await h.ingoUser(result.ingoUserId)).routable_accounts).toHaveLength(1);
  });

  it('refuses a second start for the same signup and creates no second user', async () => {
    const request = signup({ timing: FAST });
    const handle = await h.start(request);
    await expect(h.start(request)).rejects.toThrow(WorkflowExecutionAlreadyStartedError);
    await handle.result();
    // Not even once completed: that would issue a second account.
    await expect(h.start(request)).rejects.toThrow(WorkflowExecutionAlreadyStartedError);
    expect(await h.usersWithEmail(request.applicant.email)).toHaveLength(1);
  });

  it('lets a cancelled onboarding start again, and it picks up its own Ingo user', async () => {
    const request = signup({ ssnLast4: '2222', timing: FAST });
    const first = await h.start(request);
    const { ingoUserId } = await h.waitFor(first, (s) => s.kycStatus === 'in_review');
    await first.cancel();
    await expect(first.result()).rejects.toThrow();

    const again = await h.start({
      ...request,
      applicant: { ...request.applicant, ssn: '123456789' },
    });
    const result = await again.result();
    expect(result).toMatchObject({ outcome: 'completed', ingoUserId });
    expect(await h.usersWithEmail(request.applicant.email)).toHaveLength(1);
    expect((await h.ingoUser(ingoUserId!)).routable_accounts).toHaveLength(1);
  });

  it('refuses an invalid request before starting anything, naming the fields only', async () => {
    const request = signup();
    const error = await h
      .start({ ...request, applicant: { ...request.applicant, ssn: '12-34-5', email: 'nope' } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OnboardingRequestError);
    expect((error as OnboardingRequestError).issues.map((i) => i.field).sort()).toEqual([
      'applicant.email',
      'applicant.ssn',
    ]);
    expect((error as Error).message).not.toContain('12-34-5');
    await expect(
      h.status(h.env.client.workflow.getHandle(`onboarding-${request.signupId}`)),
    ).rejects.toThrow();
  });

  it("parks a user-creation conflict for an operator instead of reusing another signup's user", async () => {
    const first = signup({ timing: FAST });
    await (await h.start(first)).result();
    const second = signup({ timing: FAST });
    second.applicant.email = first.applicant.email;
    const handle = await h.start(second);
    const parked = await h.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({ step: 'create_user', lastError: { type: 'IngoUserConflict' } });
    expect(parked.lastError?.message).toContain(`onboarding-${first.signupId}`);
    expect(parked.lastError?.message).not.toContain(first.applicant.email);
    await handle.cancel();
    expect(await h.usersWithEmail(first.applicant.email)).toHaveLength(1);
    expect((await h.status(handle)).status).toBe('cancelled');
  });

  it('parks a step whose retries are exhausted, and an operator retry completes it', async () => {
    await h.sandbox.admin('PUT', '/faults', {
      errorRate: 1,
      paths: ['/api/v3/users/bank-accounts/save'],
    });
    const handle = await h.start(
      signup({ withBankAccount: true, timing: { ...FAST, retryMaxAttempts: 3 } }),
    );
    const parked = await h.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'link_bank_account',
      lastError: { step: 'link_bank_account', type: 'IngoServerError', code: 'INTERNAL_ERROR' },
    });
    expect((await handle.describe()).typedSearchAttributes.get(OnboardingStatusKey)).toBe(
      'needs_attention',
    );

    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
    await handle.executeUpdate(retryUpdate, { args: [{ step: 'link_bank_account' }] });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed' });
    expect((await h.status(handle)).attempts).toMatchObject({ link_bank_account: 2 });
    await h.record('operator-retry', handle, result.ingoUserId);
  });

  it('retries a failed account issue only while the failure proves nothing was issued', async () => {
    const ISSUE = '/api/v4/business/routable-bank-accounts/issue';
    await h.sandbox.admin('PUT', '/faults', { errorRate: 1, paths: [ISSUE] });
    const before = (await h.sandbox.stats()).calls[ISSUE] ?? 0;
    const handle = await h.start(signup({ timing: { ...FAST, retryMaxAttempts: 3 } }));
    const parked = await h.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'issue_account',
      lastError: { type: 'IngoServerError', code: 'INTERNAL_ERROR' },
    });
    expect((await h.sandbox.stats()).calls[ISSUE]! - before).toBe(3);
    expect((await h.ingoUser(parked.ingoUserId!)).routable_accounts).toEqual([]);

    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
    await handle.executeUpdate(retryUpdate, { args: [{}] });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed' });
    expect((await h.ingoUser(parked.ingoUserId!)).routable_accounts).toHaveLength(1);
  });

  it('parks a declined payout destination at once (non-retryable) and can be cancelled there', async () => {
    const request = signup({ withPayouts: true, timing: FAST });
    request.payouts!.checkByMail!.beneficiary.account = '4000000700';
    const handle = await h.start(request);
    const parked = await h.waitFor(handle, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'tokenize_check',
      attempts: { tokenize_check: 1 },
      lastError: { type: 'IngoDeclinedError', code: 'ACCOUNT_UNAVAILABLE' },
    });
    const stats = await h.sandbox.stats();
    expect(stats.calls['/gateway/verify--check']).toBeGreaterThanOrEqual(1);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    await h.record('cancelled', handle, parked.ingoUserId);
  });

  it('cancels cleanly while an Ingo call is in flight', async () => {
    await h.sandbox.admin('PUT', '/faults', { latencyMs: 1500, paths: ['/api/v4/user/create'] });
    const request = signup({ timing: FAST });
    const handle = await h.start(request);
    await h.waitFor(handle, (s) => s.attempts.create_user === 1);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await h.status(handle)).toMatchObject({ status: 'cancelled', step: 'create_user' });
    // The call already sent is carried out all the same: a restart of this signup would find it.
    await until(async () => (await h.usersWithEmail(request.applicant.email)).length === 1, 5_000);
  });

  it('creates exactly one Ingo user per signup when every user/create answer is lost', async () => {
    await h.sandbox.admin('PUT', '/faults', {
      lostResponseRate: 1,
      paths: ['/api/v4/user/create'],
    });
    const before = await h.sandbox.stats();
    const requests = Array.from({ length: 4 }, () => signup({ timing: FAST }));
    const handles = await Promise.all(requests.map((request) => h.start(request)));
    const results = await Promise.all(handles.map((handle) => handle.result()));

    expect(results.map((r) => r.outcome)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
    const after = await h.sandbox.stats();
    expect(after.usersCreated - before.usersCreated).toBe(4);
    for (const request of requests) {
      expect(await h.usersWithEmail(request.applicant.email)).toHaveLength(1);
    }
  });

  it('under lost responses on both calls: one user and one account per signup, all completed', async () => {
    await h.sandbox.admin('PUT', '/faults', {
      lostResponseRate: 0.5,
      paths: ['/api/v4/user/create', '/api/v4/business/routable-bank-accounts/issue'],
    });
    const before = await h.sandbox.stats();
    const requests = Array.from({ length: 8 }, () => signup({ timing: FAST }));
    const handles = await Promise.all(requests.map((request) => h.start(request)));
    // A lost issue answer is settled by Ingo's account.issue.created webhook: nobody has to act.
    const results = await Promise.all(handles.map((handle) => handle.result()));

    for (const result of results) {
      expect(result.outcome).toBe('completed');
      if (result.outcome !== 'completed') continue;
      const user = await h.ingoUser(result.ingoUserId);
      expect(user.routable_accounts.map((account) => account.id)).toEqual([
        result.routableAccount.routableBankAccountId,
      ]);
    }
    for (const request of requests) {
      expect(await h.usersWithEmail(request.applicant.email)).toHaveLength(1);
    }
    const after = await h.sandbox.stats();
    expect(after.usersCreated - before.usersCreated).toBe(8);
    expect(after.accountsIssued - before.accountsIssued).toBe(8);
  });
});
