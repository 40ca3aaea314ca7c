import { describe, expect, it } from 'vitest';
import type { IngoFailureDetails } from '../../src/activities/failure';
import type { TokenizeBillPayInput, TokenizeCheckInput } from '../../src/activities/payouts';
import { NON_RETRYABLE_INGO_ERRORS } from '../../src/ingo';
import { BILLER_NOT_FOUND, ORCHESTRATOR_NON_RETRYABLE } from '../../src/contract/failure-types';
import { payoutUniqueId } from '../../src/contract/ids';
import { ingoPayCommon } from '../fixtures/ingo-requests';
import { matching } from '../sandbox/helpers';
import { failureOf, freshOnboarding, JANE_DOE, useActivityBed, type ActivityBed } from './helpers';

/**
 * tokenizeCheck and tokenizeBillPay against the sandbox's IngoPay gateway: its deterministic
 * triggers, its biller catalogue (src/sandbox/billers.ts) and its replay of a unique id (101).
 */

const VERIFY_CHECK = '/gateway/verify--check';
const VERIFY_BILLPAY = '/gateway/verify--billpay';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Takes a 10-digit account: First Service Middle Jersey (4-20 digits) and Metro Power & Light
 * (exactly 10); Summit Card Services wants 16, Riverside `RW` + 8, Lakeshore is debit only.
 */
const TWO_BILLER_ACCOUNT = '1234567890';
const FIRST_SERVICE = { payeeId: '123457', name: 'First Service Middle Jersey' };
const METRO_POWER = { payeeId: '200104', name: 'Metro Power & Light' };

let bed: ActivityBed;
useActivityBed((started) => (bed = started));

/** A fresh onboarding's unique id for this destination, so no earlier test's token replays. */
const uniqueIdFor = (destination: 'check' | 'bill-pay') =>
  payoutUniqueId(freshOnboarding('payout').onboardingId, destination);

describe('tokenizeCheck', () => {
  /** Seed 003's beneficiary, Alex Rivera: account 3000000038, ZIP 00000 (plain success). */
  function checkInput(
    beneficiary: Partial<TokenizeCheckInput['checkByMail']['beneficiary']> = {},
    address: Partial<TokenizeCheckInput['checkByMail']['beneficiary']['address']> = {},
  ): TokenizeCheckInput {
    return {
      uniqueId: uniqueIdFor('check'),
      checkByMail: {
        beneficiary: {
          account: '3000000038',
          firstName: 'Alex',
          lastName: 'Rivera',
          address: {
            line1: '100 Innovation Way',
            city: 'Anytown',
            state: 'GA',
            postalCode: '00000',
            ...address,
          },
          phone: '5555550100',
          ...beneficiary,
        },
      },
    };
  }

  it('returns the token, the last four digits and the posting date', async () => {
    const before = await bed.t.stats();

    const token = await bed.run('tokenizeCheck', checkInput());

    expect(token).toEqual({
      customerAccountToken: matching(UUID),
      last4: '0038',
      estimatedPostingDate: matching(/^\d{2}\/\d{2}\/\d{4}$/),
      partialAddressMatch: false,
    });
    expect((await bed.t.stats()).tokensIssued).toBe(before.tokensIssued + 1);
  });

  it('the same unique id again replays the first token and issues none', async () => {
    const input = checkInput();
    const first = await bed.run('tokenizeCheck', input);
    const before = await bed.t.stats();

    const again = await bed.run('tokenizeCheck', input);

    expect(again).toEqual(first);
    const after = await bed.t.stats();
    expect(after.tokensIssued).toBe(before.tokensIssued);
    expect(after.calls[VERIFY_CHECK]).toBe((before.calls[VERIFY_CHECK] ?? 0) + 1);

    // Another unique id for the same payee is another token.
    const other = await bed.run('tokenizeCheck', checkInput());
    expect(other.customerAccountToken).not.toBe(first.customerAccountToken);
  });

  it('mails to a separate recipient when one is given', async () => {
    const input = checkInput();
    const sentBefore = bed.sent.length;
    input.checkByMail.recipient = {
      nameLine1: 'Payments Department',
      address: { line1: '1 Payment Plaza', city: 'Trenton', state: 'NJ', postalCode: '08608' },
    };

    const token = await bed.run('tokenizeCheck', input);

    expect(token.last4).toBe('0038');
    const [sent] = bed.sent.slice(sentBefore);
    expect(sent?.path).toBe(VERIFY_CHECK);
    expect(sent?.body).toMatchObject({
      recipient_is_beneficiary: 0,
      recipient: { recipient_line1: 'Payments Department', recipient_zip: '08608' },
    });
  });

  it('an account ending 0700 is declined: IngoDeclinedError ACCOUNT_UNAVAILABLE, no token', async () => {
    const before = await bed.t.stats();

    const failure = await failureOf(
      bed.run('tokenizeCheck', checkInput({ account: '3000000700' })),
    );

    expect(failure.type).toBe('IngoDeclinedError');
    expect(NON_RETRYABLE_INGO_ERRORS).toContain(failure.type);
    expect(failure.details).toEqual([
      expect.objectContaining({
        operation: 'verify--check',
        code: 'ACCOUNT_UNAVAILABLE',
        ingoPayStatus: 700,
        httpStatus: 200,
      }),
    ]);
    expect(failure.message).not.toContain('3000000700');
    expect((await bed.t.stats()).tokensIssued).toBe(before.tokensIssued);
  });

  it('a declined address (ZIP 99754) is IngoDeclinedError ADDRESS_DECLINED', async () => {
    const failure = await failureOf(
      bed.run('tokenizeCheck', checkInput({}, { postalCode: '99754' })),
    );

    expect(failure.type).toBe('IngoDeclinedError');
    expect(failure.details).toEqual([
      expect.objectContaining({ code: 'ADDRESS_DECLINED', ingoPayStatus: 754 }),
    ]);
  });

  it('a partly matched address (ZIP 99112) still tokenises, and says so', async () => {
    const token = await bed.run('tokenizeCheck', checkInput({}, { postalCode: '99112' }));
    expect(token).toMatchObject({ last4: '0038', partialAddressMatch: true });
    const exact = await bed.run('tokenizeCheck', checkInput());
    expect(exact.partialAddressMatch).toBe(false);
  });

  it('a transient gateway error (errorRate) is IngoServerError, retryable', async () => {
    await bed.t.admin('PUT', '/faults', { errorRate: 1, paths: ['/gateway/*'] });
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('tokenizeCheck', checkInput()));

    expect(failure.type).toBe('IngoServerError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.details).toEqual([
      expect.objectContaining({ code: 'SYSTEM_ERROR', ingoPayStatus: 500 }),
    ]);
    expect((await bed.t.stats()).tokensIssued).toBe(before.tokensIssued);
  });
});

describe('tokenizeBillPay', () => {
  function billPayInput(
    billPay: Partial<TokenizeBillPayInput['billPay']> = {},
  ): TokenizeBillPayInput {
    return {
      uniqueId: uniqueIdFor('bill-pay'),
      billPay: { account: TWO_BILLER_ACCOUNT, ...billPay },
      holder: JANE_DOE,
    };
  }

  it('the account really matches several billers at the sandbox', async () => {
    const billers = await bed.t.gateway('/gateway/v1/biller/search', {
      ...ingoPayCommon(),
      account: TWO_BILLER_ACCOUNT,
    });
    expect(billers.body.status).toBe(100);
    const found = (billers.body.data.billers as { id: string }[]).map((biller) => biller.id);
    expect(found).toEqual([FIRST_SERVICE.payeeId, METRO_POWER.payeeId]);
  });

  it('billerName chooses among several billers, whatever its case', async () => {
    const token = await bed.run(
      'tokenizeBillPay',
      billPayInput({ billerName: METRO_POWER.name.toUpperCase() }),
    );

    expect(token).toEqual({
      customerAccountToken: matching(UUID),
      last4: '7890',
      payeeId: METRO_POWER.payeeId,
      billerName: METRO_POWER.name,
      partialAddressMatch: false,
    });
  });

  it('payeeId chooses among several billers', async () => {
    const sentBefore = bed.sent.length;

    const token = await bed.run('tokenizeBillPay', billPayInput({ payeeId: METRO_POWER.payeeId }));

    expect(token).toMatchObject({
      last4: '7890',
      payeeId: METRO_POWER.payeeId,
      billerName: METRO_POWER.name,
    });
    const verify = bed.sent.slice(sentBefore).find((request) => request.path === VERIFY_BILLPAY);
    expect(verify?.body).toMatchObject({
      payee_id: METRO_POWER.payeeId,
      account: TWO_BILLER_ACCOUNT,
      recipient_first_name: 'Jane',
      recipient_zip: '07102',
    });
  });

  it('a payeeId whose biller does not take the account: BillerNotFound, no token', async () => {
    const before = await bed.t.stats();

    // Riverside Water Utility exists, but wants `RW` + 8 digits.
    const failure = await failureOf(
      bed.run('tokenizeBillPay', billPayInput({ payeeId: '300208' })),
    );

    expect(failure.type).toBe(BILLER_NOT_FOUND);
    expect(failure.message).toContain(
      'the biller asked for (300208) does not take this bill account',
    );
    expect(failure.details).toEqual([{ payeeIds: [FIRST_SERVICE.payeeId, METRO_POWER.payeeId] }]);
    expect((await bed.t.stats()).calls[VERIFY_BILLPAY]).toBe(before.calls[VERIFY_BILLPAY]);
  });

  it('the only biller found is taken without a name (the amount rules First Service out)', async () => {
    // First Service's minimum is 5.00; Metro Power & Light takes 1.00 and up.
    const token = await bed.run('tokenizeBillPay', billPayInput({ amount: 3 }));

    expect(token).toMatchObject({ payeeId: METRO_POWER.payeeId, billerName: METRO_POWER.name });
  });

  it('several billers and neither name nor id: BillerNotFound listing the candidates', async () => {
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('tokenizeBillPay', billPayInput()));

    expect(failure.type).toBe(BILLER_NOT_FOUND);
    expect(ORCHESTRATOR_NON_RETRYABLE).toContain(failure.type);
    expect(failure.message).toContain('2 billers take this bill account, the signup must name one');
    expect(failure.message).toContain(`${FIRST_SERVICE.payeeId} ${FIRST_SERVICE.name}`);
    expect(failure.message).toContain(`${METRO_POWER.payeeId} ${METRO_POWER.name}`);
    expect(failure.message).not.toContain(TWO_BILLER_ACCOUNT);
    expect(failure.details).toEqual([{ payeeIds: [FIRST_SERVICE.payeeId, METRO_POWER.payeeId] }]);
    const after = await bed.t.stats();
    expect(after.tokensIssued).toBe(before.tokensIssued);
    expect(after.calls[VERIFY_BILLPAY]).toBe(before.calls[VERIFY_BILLPAY]);
  });

  it('a name no biller of the account has: BillerNotFound naming what was asked', async () => {
    const failure = await failureOf(
      bed.run('tokenizeBillPay', billPayInput({ billerName: 'Riverside Water Utility' })),
    );

    expect(failure.type).toBe(BILLER_NOT_FOUND);
    expect(failure.message).toContain(
      'the biller asked for (Riverside Water Utility) does not take this bill account',
    );
    expect(failure.details).toEqual([{ payeeIds: [FIRST_SERVICE.payeeId, METRO_POWER.payeeId] }]);
  });

  it('an account no biller takes: BillerNotFound, no token', async () => {
    const before = await bed.t.stats();

    const failure = await failureOf(
      bed.run('tokenizeBillPay', billPayInput({ account: 'RW1234' })),
    );

    expect(failure.type).toBe(BILLER_NOT_FOUND);
    expect(failure.message).toContain('no biller takes this bill account');
    expect(failure.details).toEqual([{ payeeIds: [] }]);
    expect((await bed.t.stats()).tokensIssued).toBe(before.tokensIssued);
  });

  it('the same unique id again replays the first token and issues none', async () => {
    const input = billPayInput({ billerName: METRO_POWER.name });
    const first = await bed.run('tokenizeBillPay', input);
    const before = await bed.t.stats();

    const again = await bed.run('tokenizeBillPay', input);

    expect(again).toEqual(first);
    const after = await bed.t.stats();
    expect(after.tokensIssued).toBe(before.tokensIssued);
    expect(after.calls[VERIFY_BILLPAY]).toBe((before.calls[VERIFY_BILLPAY] ?? 0) + 1);
  });

  it('an account ending 0700 is declined by the biller: IngoDeclinedError', async () => {
    const failure = await failureOf(
      bed.run(
        'tokenizeBillPay',
        billPayInput({ account: '1234560700', billerName: METRO_POWER.name }),
      ),
    );

    expect(failure.type).toBe('IngoDeclinedError');
    const [details] = failure.details as [IngoFailureDetails];
    expect(details).toMatchObject({ operation: 'verify--billpay', code: 'ACCOUNT_UNAVAILABLE' });
  });
});
