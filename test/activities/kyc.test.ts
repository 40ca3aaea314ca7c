import { describe, expect, it } from 'vitest';
import type { IngoFailureDetails } from '../../src/activities/failure';
import { NON_RETRYABLE_INGO_ERRORS } from '../../src/ingo';
import { NO_FAULTS, until } from '../sandbox/helpers';
import {
  adminUser,
  failureOf,
  freshOnboarding,
  PATHS,
  useActivityBed,
  type ActivityBed,
} from './helpers';

/** submitKyc / checkKyc against the sandbox, whose outcome follows the SSN's last four digits. */

const { submitKyc: SEND, checkKyc: CHECK } = PATHS;

const DOB = '1990-04-12';
/** docs/SANDBOX.md: any other last four is verified after the KYC delay. */
const SSN_VERIFIED = '123456789';
/** Stays in review until an operator decides. */
const SSN_OPERATOR = '123452222';
/** Failed after the KYC delay. */
const SSN_FAILED = '123450000';

describe('submitKyc and checkKyc', () => {
  let bed: ActivityBed;
  useActivityBed((started) => (bed = started), { kycDelayMs: 20 });

  async function newUser(): Promise<string> {
    const { ingoUserId } = await bed.run('ensureIngoUser', freshOnboarding('kyc'));
    return ingoUserId;
  }

  const submit = (ingoUserId: string, ssn: string) =>
    bed.run('submitKyc', { ingoUserId, ssn, dateOfBirth: DOB });
  const check = (ingoUserId: string) => bed.run('checkKyc', { ingoUserId });

  async function checkUntil(ingoUserId: string, status: string): Promise<void> {
    await until(async () => (await check(ingoUserId)).kycStatus === status);
  }

  it('submit puts the user in review; check follows the review to its decision', async () => {
    const ingoUserId = await newUser();

    const submitted = await submit(ingoUserId, SSN_OPERATOR);

    expect(submitted).toEqual({ kycStatus: 'in_review' });
    // The SSN went to KYC (the sandbox keeps only its last four).
    expect(await adminUser(bed.t, ingoUserId)).toMatchObject({
      kyc_status: 'in_review',
      ssn_last_four: '2222',
    });
    expect(await check(ingoUserId)).toEqual({ kycStatus: 'in_review' });

    const decided = await bed.t.admin('POST', `/kyc/${ingoUserId}/decision`, {
      status: 'verified',
    });
    expect(decided.status).toBe(200);
    expect(await check(ingoUserId)).toEqual({ kycStatus: 'verified' });
  });

  it("after the sandbox's automatic review, check reports verified", async () => {
    const ingoUserId = await newUser();
    expect(await submit(ingoUserId, SSN_VERIFIED)).toEqual({ kycStatus: 'in_review' });

    await checkUntil(ingoUserId, 'verified');

    expect((await adminUser(bed.t, ingoUserId)).kyc_status).toBe('verified');
  });

  it('a failed review is reported as failed, and corrected data can be submitted again', async () => {
    const ingoUserId = await newUser();
    await submit(ingoUserId, SSN_FAILED);

    await checkUntil(ingoUserId, 'failed');

    const resubmitted = await submit(ingoUserId, SSN_VERIFIED);
    expect(resubmitted).toEqual({ kycStatus: 'in_review' });
    expect((await adminUser(bed.t, ingoUserId)).ssn_last_four).toBe('6789');
    await checkUntil(ingoUserId, 'verified');
  });

  it('a submission whose answer was lost, retried once verified, answers verified', async () => {
    const ingoUserId = await newUser();
    await bed.t.admin('PUT', '/faults', { lostResponseRate: 1, paths: [SEND] });

    const lost = await failureOf(submit(ingoUserId, SSN_VERIFIED));
    expect(lost.type).toBe('IngoNetworkError');
    expect(lost.nonRetryable).toBe(false);

    // Carried out all the same: the review runs and is decided before the retry.
    await until(async () => (await adminUser(bed.t, ingoUserId)).kyc_status === 'verified');
    await bed.t.admin('PUT', '/faults', NO_FAULTS);
    const before = await bed.t.stats();

    const retry = await submit(ingoUserId, SSN_VERIFIED);

    expect(retry).toEqual({ kycStatus: 'verified' });
    const after = await bed.t.stats();
    // Ingo refused the resubmission (409), and the activity asked for the status instead.
    expect(after.calls[SEND]).toBe((before.calls[SEND] ?? 0) + 1);
    expect(after.calls[CHECK]).toBe((before.calls[CHECK] ?? 0) + 1);
    expect((await adminUser(bed.t, ingoUserId)).kyc_status).toBe('verified');
  });

  it('a retried submission whose first answer was lost finds the review and starts no second one', async () => {
    const ingoUserId = await newUser();
    await bed.t.admin('PUT', '/faults', { lostResponseRate: 1, paths: [SEND] });
    const lost = await failureOf(submit(ingoUserId, SSN_OPERATOR));
    expect(lost.type).toBe('IngoNetworkError');
    await bed.t.admin('PUT', '/faults', NO_FAULTS);
    const before = await bed.t.stats();

    const retry = await bed.retry('submitKyc', {
      ingoUserId,
      ssn: SSN_OPERATOR,
      dateOfBirth: DOB,
      statusBefore: 'not_started',
    });

    expect(retry).toEqual({ kycStatus: 'in_review' });
    const after = await bed.t.stats();
    expect(after.calls[SEND] ?? 0).toBe(before.calls[SEND] ?? 0);
    expect(after.calls[CHECK]).toBe((before.calls[CHECK] ?? 0) + 1);
  });

  it('a retried resubmission that finds the status unchanged submits the corrected data', async () => {
    const ingoUserId = await newUser();
    await submit(ingoUserId, SSN_FAILED);
    await checkUntil(ingoUserId, 'failed');
    const before = await bed.t.stats();

    const retry = await bed.retry('submitKyc', {
      ingoUserId,
      ssn: SSN_VERIFIED,
      dateOfBirth: DOB,
      statusBefore: 'failed',
    });

    expect(retry).toEqual({ kycStatus: 'in_review' });
    const after = await bed.t.stats();
    expect(after.calls[SEND]).toBe((before.calls[SEND] ?? 0) + 1);
  });

  it('submitting again once verified does not start a new review', async () => {
    const ingoUserId = await newUser();
    await submit(ingoUserId, SSN_OPERATOR);
    await bed.t.admin('POST', `/kyc/${ingoUserId}/decision`, { status: 'verified' });

    // Different data this time: had Ingo taken it, the SSN on file would have changed.
    const again = await submit(ingoUserId, SSN_FAILED);

    expect(again).toEqual({ kycStatus: 'verified' });
    expect(await adminUser(bed.t, ingoUserId)).toMatchObject({
      kyc_status: 'verified',
      ssn_last_four: '2222',
    });
  });

  it('an unknown user is IngoNotFoundError, for submit and check alike', async () => {
    const ingoUserId = 'user-00000000-0000-0000-0000-000000000000';

    const submitted = await failureOf(submit(ingoUserId, SSN_VERIFIED));
    const checked = await failureOf(check(ingoUserId));

    for (const [failure, operation] of [
      [submitted, 'user/send-verification-request'],
      [checked, 'user/check-verification-request'],
    ] as const) {
      expect(failure.type).toBe('IngoNotFoundError');
      expect(NON_RETRYABLE_INGO_ERRORS).toContain(failure.type);
      expect(failure.details).toEqual([
        expect.objectContaining({ operation, code: 'NOT_FOUND', httpStatus: 404 }),
      ]);
    }
  });

  it('invalid KYC data fails before anything is sent, naming the field and not the value', async () => {
    const ingoUserId = await newUser();
    const before = await bed.t.stats();

    const failure = await failureOf(submit(ingoUserId, '98765'));

    expect(failure.type).toBe('IngoValidationError');
    const [details] = failure.details as [IngoFailureDetails];
    expect(details).toMatchObject({ code: 'REQUEST_INVALID', fields: ['ssn'] });
    expect(failure.message).not.toContain('98765');
    expect((await bed.t.stats()).calls[SEND]).toBe(before.calls[SEND]);
    expect((await adminUser(bed.t, ingoUserId)).kyc_status).toBe('not_started');
  });
});
