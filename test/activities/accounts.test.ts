import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { nonIdempotentIngoCall, type IngoFailureDetails } from '../../src/activities/failure';
import { IngoServerError, NON_RETRYABLE_INGO_ERRORS, RETRYABLE_INGO_ERRORS } from '../../src/ingo';
import { INGO_OUTCOME_UNKNOWN, ORCHESTRATOR_NON_RETRYABLE } from '../../src/contract/failure-types';
import { bankAccountLinkKey } from '../../src/contract/ids';
import { NO_FAULTS, matching, until } from '../sandbox/helpers';
import {
  adminUser,
  failureOf,
  freshOnboarding,
  NOT_SENT_CODES,
  PATHS,
  runActivity,
  useActivityBed,
  verifiedUser,
  type ActivityBed,
} from './helpers';

/** issueRoutableAccount (not idempotent at Ingo) and linkBankAccount (idempotent by key). */

const { issueAccount: ISSUE, saveBankAccount: SAVE } = PATHS;

let bed: ActivityBed;
useActivityBed((started) => (bed = started));

describe('issueRoutableAccount', () => {
  const userVerified = () => verifiedUser(bed.t, freshOnboarding('issue').applicant.email);
  const issue = (ingoUserId: string) => bed.run('issueRoutableAccount', { ingoUserId });

  it('before KYC is verified: IngoInvalidStateError, and no account', async () => {
    const { ingoUserId } = await bed.run('ensureIngoUser', freshOnboarding('unverified'));
    const before = await bed.t.stats();

    const failure = await failureOf(issue(ingoUserId));

    expect(failure.type).toBe('IngoInvalidStateError');
    expect(NON_RETRYABLE_INGO_ERRORS).toContain(failure.type);
    expect(failure.details).toEqual([
      expect.objectContaining({ code: 'INVALID_STATE', httpStatus: 409 }),
    ]);
    expect((await bed.t.stats()).accountsIssued).toBe(before.accountsIssued);
    expect((await adminUser(bed.t, ingoUserId)).routable_accounts).toEqual([]);
  });

  it('verified: returns the id, the routing number and only the last four digits', async () => {
    const ingoUserId = await userVerified();

    const account = await issue(ingoUserId);

    const [issued] = (await adminUser(bed.t, ingoUserId)).routable_accounts;
    expect(issued).toBeDefined();
    expect(account).toEqual({
      routableBankAccountId: issued!.id,
      routingNumber: issued!.routing_number,
      accountNumberLast4: issued!.account_number_last_4,
    });
    expect(account.routableBankAccountId).toEqual(matching(/^rbac-/));
    expect(account.routingNumber).toMatch(/^\d{9}$/);
    expect(account.accountNumberLast4).toMatch(/^\d{4}$/);
    // The full number (which the admin API masks) never leaves the activity.
    const fullNumber = bed.t.sandbox.state.routableAccounts.get(issued!.id)?.accountNumber;
    expect(fullNumber).toMatch(/^\d{10}$/);
    expect(fullNumber!.endsWith(account.accountNumberLast4)).toBe(true);
    expect(JSON.stringify(account)).not.toContain(fullNumber!);
    for (const [key, value] of Object.entries(account)) {
      if (key !== 'routableBankAccountId' && key !== 'routingNumber') expect(value).toHaveLength(4);
    }
  });

  it('each call issues another account: Ingo does not deduplicate it', async () => {
    const ingoUserId = await userVerified();
    const first = await issue(ingoUserId);
    const second = await issue(ingoUserId);
    expect(second.routableBankAccountId).not.toBe(first.routableBankAccountId);
    expect((await adminUser(bed.t, ingoUserId)).routable_accounts).toHaveLength(2);
  });

  it('a lost answer is IngoOutcomeUnknown, non-retryable; the sandbox shows one account', async () => {
    const ingoUserId = await userVerified();
    await bed.t.admin('PUT', '/faults', { lostResponseRate: 1, paths: [ISSUE] });
    const before = await bed.t.stats();

    const failure = await failureOf(issue(ingoUserId));

    expect(failure.type).toBe(INGO_OUTCOME_UNKNOWN);
    expect(failure.nonRetryable).toBe(true);
    expect(ORCHESTRATOR_NON_RETRYABLE).toContain(failure.type);
    expect(failure.message).toContain('may have been carried out at Ingo');
    const [details] = failure.details as [IngoFailureDetails];
    expect(details.operation).toBe('business/routable-bank-accounts/issue');
    expect(NOT_SENT_CODES).not.toContain(details.code);
    expect((await adminUser(bed.t, ingoUserId)).routable_accounts).toHaveLength(1);
    expect((await bed.t.stats()).accountsIssued).toBe(before.accountsIssued + 1);
  });

  it('a transient Ingo error (errorRate) is IngoServerError, retryable; nothing issued', async () => {
    const ingoUserId = await userVerified();
    await bed.t.admin('PUT', '/faults', { errorRate: 1, paths: [ISSUE] });
    const before = await bed.t.stats();

    const failure = await failureOf(issue(ingoUserId));

    expect(failure.type).toBe('IngoServerError');
    expect(failure.nonRetryable).toBe(false);
    expect(RETRYABLE_INGO_ERRORS).toContain(failure.type);
    expect(failure.details).toEqual([
      expect.objectContaining({ code: 'INTERNAL_ERROR', httpStatus: 503 }),
    ]);
    expect((await bed.t.stats()).accountsIssued).toBe(before.accountsIssued);
    expect((await adminUser(bed.t, ingoUserId)).routable_accounts).toEqual([]);
  });

  it('a timeout after sending is IngoOutcomeUnknown: Ingo may still carry the call out', async () => {
    const ingoUserId = await userVerified();
    // The sandbox waits 400 ms, then issues; the client gives up after 150 ms.
    await bed.t.admin('PUT', '/faults', { latencyMs: 400, paths: [ISSUE] });
    const impatient = bed.activitiesWith({ timeoutMs: 150 });
    const before = await bed.t.stats();

    const failure = await failureOf(runActivity(impatient, 'issueRoutableAccount', { ingoUserId }));

    expect(failure.type).toBe(INGO_OUTCOME_UNKNOWN);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([expect.objectContaining({ code: 'TIMEOUT' })]);
    // Which is why no retry may follow blindly: the account appears once the sandbox is done.
    await until(async () => (await bed.t.stats()).accountsIssued === before.accountsIssued + 1);
    expect((await adminUser(bed.t, ingoUserId)).routable_accounts).toHaveLength(1);
  });
});

describe('nonIdempotentIngoCall', () => {
  const serverError = (httpStatus: number) =>
    new IngoServerError({
      operation: 'business/routable-bank-accounts/issue',
      code: 'INTERNAL_ERROR',
      httpStatus,
    });

  it.each([500, 502, 504])(
    'treats HTTP %i as an unknown outcome: it may follow the work',
    async (status) => {
      const failure = await nonIdempotentIngoCall(() => Promise.reject(serverError(status))).then(
        () => undefined,
        (e: unknown) => e as ApplicationFailure,
      );
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: INGO_OUTCOME_UNKNOWN, nonRetryable: true });
    },
  );

  it('keeps 503 retryable: Ingo refused the request before doing anything', async () => {
    const failure = await nonIdempotentIngoCall(() => Promise.reject(serverError(503))).then(
      () => undefined,
      (e: unknown) => e as ApplicationFailure,
    );
    expect(failure).toMatchObject({ type: 'IngoServerError', nonRetryable: false });
  });
});

describe('linkBankAccount', () => {
  async function linkInput() {
    const onboarding = freshOnboarding('link');
    const { ingoUserId } = await bed.run('ensureIngoUser', onboarding);
    return {
      ingoUserId,
      idempotentKey: bankAccountLinkKey(onboarding.onboardingId),
      firstName: 'Jane',
      lastName: 'Doe',
      accountNumber: '000123456789',
      routingNumber: '021000021',
    };
  }

  it('links the account and returns only its last four digits', async () => {
    const input = await linkInput();
    const before = await bed.t.stats();

    const linked = await bed.run('linkBankAccount', input);

    expect(linked).toEqual({
      bankAccountId: matching(/^bbac-/),
      routingNumber: '021000021',
      accountNumberLast4: '6789',
      bankName: 'Sandbox Bank',
    });
    expect(JSON.stringify(linked)).not.toContain(input.accountNumber);
    expect((await adminUser(bed.t, input.ingoUserId)).bank_accounts).toEqual([
      expect.objectContaining({ id: linked.bankAccountId, account_number_last_4: '6789' }),
    ]);
    expect((await bed.t.stats()).bankAccountsLinked).toBe(before.bankAccountsLinked + 1);
  });

  it('the same idempotent key twice links once and answers the same account', async () => {
    const input = await linkInput();
    const before = await bed.t.stats();

    const first = await bed.run('linkBankAccount', input);
    const second = await bed.run('linkBankAccount', input);

    expect(second).toEqual(first);
    const after = await bed.t.stats();
    expect(after.bankAccountsLinked).toBe(before.bankAccountsLinked + 1);
    expect(after.calls[SAVE]).toBe((before.calls[SAVE] ?? 0) + 2);
    expect((await adminUser(bed.t, input.ingoUserId)).bank_accounts).toHaveLength(1);

    // Whereas another key is another link: the sameness above is the key's doing.
    const other = await bed.run('linkBankAccount', {
      ...input,
      idempotentKey: `${input.idempotentKey}:${randomUUID()}`,
    });
    expect(other.bankAccountId).not.toBe(first.bankAccountId);
    expect((await bed.t.stats()).bankAccountsLinked).toBe(before.bankAccountsLinked + 2);
  });

  it('a lost answer fails retryably, and the retry replays the first link', async () => {
    const input = await linkInput();
    await bed.t.admin('PUT', '/faults', { lostResponseRate: 1, paths: [SAVE] });
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('linkBankAccount', input));
    expect(failure.type).toBe('IngoNetworkError');
    expect(failure.nonRetryable).toBe(false);
    expect((await bed.t.stats()).bankAccountsLinked).toBe(before.bankAccountsLinked + 1);

    await bed.t.admin('PUT', '/faults', NO_FAULTS);
    const retry = await bed.run('linkBankAccount', input);

    const accounts = (await adminUser(bed.t, input.ingoUserId)).bank_accounts;
    expect(accounts).toHaveLength(1);
    expect(retry.bankAccountId).toBe(accounts[0]?.id);
    expect((await bed.t.stats()).bankAccountsLinked).toBe(before.bankAccountsLinked + 1);
  });

  it('an invalid account number fails before sending, naming the field and not the value', async () => {
    const input = await linkInput();
    const before = await bed.t.stats();

    const failure = await failureOf(
      bed.run('linkBankAccount', { ...input, accountNumber: '12-34' }),
    );

    expect(failure.type).toBe('IngoValidationError');
    expect(failure.details).toEqual([
      expect.objectContaining({ code: 'REQUEST_INVALID', fields: ['account_number'] }),
    ]);
    expect(failure.message).not.toContain('12-34');
    expect((await bed.t.stats()).calls[SAVE]).toBe(before.calls[SAVE]);
  });
});
