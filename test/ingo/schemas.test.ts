import { describe, expect, it } from 'vitest';
import {
  bankingSuccessEnvelope,
  checkVerificationRequest,
  checkVerificationResponse,
  createUserRequest,
  createUserResponse,
  issueRoutableAccountRequest,
  issueRoutableAccountResponse,
  listUsersResponse,
  saveBankAccountRequest,
  saveBankAccountResponse,
  sendVerificationRequest,
  sendVerificationResponse,
} from '../../src/ingo/schemas/banking';
import {
  ingoPayEnvelope,
  verifyBillpayRequest,
  verifyBillpayResponse,
  verifyCheckRequest,
  verifyCheckResponse,
} from '../../src/ingo/schemas/ingopay';
import { kycWebhookEvent, webhookDelivery } from '../../src/ingo/schemas/webhook';
import { fieldIssues } from '../../src/validation';
import * as seed from '../fixtures/seed-examples';

const dataOf = (envelope: unknown) => bankingSuccessEnvelope.parse(envelope).data;
const payDataOf = (envelope: unknown) => ingoPayEnvelope.parse(envelope).data;
const failingFields = (result: { success: boolean; error?: Parameters<typeof fieldIssues>[0] }) =>
  result.error ? fieldIssues(result.error).map((issue) => issue.field) : [];

describe('seed 000: onboarding guide examples', () => {
  it('user/create request and response', () => {
    expect(createUserRequest.safeParse(seed.seedCreateUserRequest).success).toBe(true);
    expect(createUserResponse.parse(dataOf(seed.seedCreateUserResponse))).toMatchObject({
      userId: 'user-8f3a2b1c-0e44-4f2d-9a11-7b23cc90d1ef',
      kycStatus: 'not_started',
    });
  });

  it('send-verification-request: the placeholder SSN is refused, a real one parses', () => {
    expect(
      failingFields(sendVerificationRequest.safeParse(seed.seedSendVerificationRequest)),
    ).toEqual(['ssn']);
    const withDigits = { ...seed.seedSendVerificationRequest, ssn: '123456789' };
    expect(sendVerificationRequest.safeParse(withDigits).success).toBe(true);
    expect(sendVerificationResponse.parse(dataOf(seed.seedSendVerificationResponse))).toEqual({
      userId: 'user-8f3a2b1c-0e44-4f2d-9a11-7b23cc90d1ef',
      kycStatus: 'in_review',
    });
  });

  it('check-verification-request request and response', () => {
    expect(checkVerificationRequest.safeParse(seed.seedCheckVerificationRequest).success).toBe(
      true,
    );
    expect(checkVerificationResponse.parse(dataOf(seed.seedCheckVerificationResponse))).toEqual({
      userId: 'user-8f3a2b1c-0e44-4f2d-9a11-7b23cc90d1ef',
      kycStatus: 'verified',
    });
  });

  it('routable account issue request and response', () => {
    expect(issueRoutableAccountRequest.safeParse(seed.seedIssueAccountRequest).success).toBe(true);
    expect(issueRoutableAccountResponse.parse(dataOf(seed.seedIssueAccountResponse))).toEqual({
      routableBankAccountId: 'rbac-2b1c0e44-4f2d-9a11-7b23-cc90d1ef8f3a',
      accountNumber: 'XXXXXXXXXX',
      routingNumber: 'XXXXXXXXX',
      userId: 'user-8f3a2b1c-0e44-4f2d-9a11-7b23cc90d1ef',
    });
  });
});

describe('documented response variants normalise to the same types', () => {
  it('user/create in the docs shape (items[] with id)', () => {
    const docs = {
      items: [{ id: 'user-1', kyc_status: 'not_started', email: 'a@b.co' }],
      pagination: { page: 1, per_page: 10, total: 1, sort: 'created_at:desc', search: '' },
    };
    expect(createUserResponse.parse(docs)).toMatchObject({
      userId: 'user-1',
      kycStatus: 'not_started',
      email: 'a@b.co',
    });
  });

  it('send-verification-request answering an empty object', () => {
    expect(sendVerificationResponse.parse({})).toEqual({ userId: undefined, kycStatus: undefined });
  });

  it('routable account in the docs shape (items[0] with id)', () => {
    const docs = {
      items: [{ id: 'rbac-1', account_number: '1234567890', routing_number: '011000015' }],
    };
    expect(issueRoutableAccountResponse.parse(docs)).toMatchObject({
      routableBankAccountId: 'rbac-1',
      accountNumber: '1234567890',
    });
  });

  it('numeric entity ids (documented webhook examples) become strings', () => {
    expect(checkVerificationResponse.parse({ user_id: 9414, kyc_status: 'verified' })).toEqual({
      userId: '9414',
      kycStatus: 'verified',
    });
  });

  it('"rejected" reads as failed; unknown statuses are refused', () => {
    expect(
      checkVerificationResponse.parse({ user_id: 'u', kyc_status: 'rejected' }).kycStatus,
    ).toBe('failed');
    expect(checkVerificationResponse.safeParse({ user_id: 'u', kyc_status: 'maybe' }).success).toBe(
      false,
    );
  });

  it('user/get-all with and without pagination', () => {
    const page = listUsersResponse.parse({
      items: [{ id: 'user-1', kyc_status: 'verified', meta_data: [{ name: 'k', value: 'v' }] }],
      pagination: { page: 2, per_page: 1, total: 5, sort: 'created_at:desc', search: null },
    });
    expect(page.pagination).toEqual({ page: 2, perPage: 1, total: 5 });
    expect(page.items[0]!.metaData).toEqual([{ name: 'k', value: 'v' }]);
    expect(listUsersResponse.parse({ items: [] }).pagination.total).toBe(0);
  });
});

describe('seed 002: link an external bank account', () => {
  it('request and response parse', () => {
    expect(saveBankAccountRequest.safeParse(seed.seedSaveBankAccountRequest).success).toBe(true);
    expect(saveBankAccountResponse.parse(dataOf(seed.seedSaveBankAccountResponse))).toEqual({
      bankAccountId: 'bbac-...',
      accountNumberLast4: '6789',
      routingNumber: '123456789',
      bankName: '<string>',
      sourcePlatform: 'plaid',
      createdAt: '2026-04-16T12:34:56.000Z',
    });
  });

  it('account numbers must be 5-20 digits and routing numbers 9', () => {
    const bad = {
      ...seed.seedSaveBankAccountRequest,
      account_number: '1234',
      routing_number: '12',
    };
    expect(failingFields(saveBankAccountRequest.safeParse(bad))).toEqual([
      'account_number',
      'routing_number',
    ]);
  });
});

describe('seeds 003 and 004: IngoPay', () => {
  it('verify--check request and response parse', () => {
    expect(verifyCheckRequest.safeParse(seed.seedVerifyCheckRequest).success).toBe(true);
    expect(verifyCheckResponse.parse(payDataOf(seed.seedVerifyCheckResponse))).toMatchObject({
      customerAccountToken: '6218c726-3989-40ab-af84-fa6f4c932cb6',
      last4: '0038',
      estimatedPostingDate: '08/29/2020',
    });
  });

  it('verify--check needs a recipient when the recipient is not the beneficiary', () => {
    const { recipient: _recipient, ...withoutRecipient } = seed.seedVerifyCheckRequest;
    expect(verifyCheckRequest.safeParse(withoutRecipient).success).toBe(true);
    expect(
      failingFields(
        verifyCheckRequest.safeParse({ ...withoutRecipient, recipient_is_beneficiary: 0 }),
      ),
    ).toEqual(['recipient']);
  });

  it('verify--billpay request and response parse', () => {
    expect(verifyBillpayRequest.safeParse(seed.seedVerifyBillpayRequest).success).toBe(true);
    const parsed = verifyBillpayResponse.parse(payDataOf(seed.seedVerifyBillpayResponse));
    expect(parsed.customerAccountToken).toBe('a74eacf4-32e8-4081-b69c-565a89dd6cf1');
    expect(parsed.issuers[0]).toMatchObject({
      payeeId: '123457',
      creditEnabled: true,
      debitEnabled: false,
      creditInfo: { min: '5.00', max: '2000.00', estimatedPostingDate: '04/17/2026' },
    });
  });

  it('verify--billpay takes a token or the raw fields, never both, never neither', () => {
    const { account: _a, ...withoutAccount } = seed.seedVerifyBillpayRequest;
    expect(failingFields(verifyBillpayRequest.safeParse(withoutAccount))).toEqual(['account']);

    const both = { ...seed.seedVerifyBillpayRequest, customer_account_token: 'tok' };
    expect(failingFields(verifyBillpayRequest.safeParse(both))).toContain('account');

    const tokenOnly = {
      participant_id: 12345,
      payee_id: '123457',
      timestamp: 1587052132,
      version: 11,
      participant_unique_id1: 'x',
      account_type: 'BP',
      customer_account_token: 'tok',
    };
    expect(verifyBillpayRequest.safeParse(tokenOnly).success).toBe(true);
  });

  it('field rules: ZIP, USPS state (territories too), phone, amount, business name', () => {
    const base = seed.seedVerifyBillpayRequest;
    expect(verifyBillpayRequest.safeParse({ ...base, recipient_zip: '30313-1234' }).success).toBe(
      true,
    );
    expect(verifyBillpayRequest.safeParse({ ...base, recipient_state: 'PR' }).success).toBe(true);
    const bad = {
      ...base,
      recipient_zip: '3031',
      recipient_state: 'XX',
      recipient_phone: '555',
      amount: 0,
      recipient_business_name: 'x'.repeat(151),
    };
    expect(failingFields(verifyBillpayRequest.safeParse(bad)).sort()).toEqual([
      'amount',
      'recipient_business_name',
      'recipient_phone',
      'recipient_state',
      'recipient_zip',
    ]);
  });
});

describe('webhooks (INGO-API.md section 3)', () => {
  it('the documented envelope parses into a KYC event', () => {
    expect(kycWebhookEvent.parse(seed.documentedKycSuccessWebhook)).toEqual({
      eventId: 'inn_whe_aB3dE5fG7hJ9kL1mN3pQ5r',
      eventType: 'user.kyc.success',
      subjectId: 'user-8f3a2b1c-0e44-4f2d-9a11-7b23cc90d1ef',
      status: 'verified',
      reasons: [],
      reasonCodes: [],
    });
  });

  it('a failed KYC says rejected, read as failed, with its reasons', () => {
    const failed = {
      ...seed.documentedKycSuccessWebhook,
      event: 'user.kyc.failed',
      data: {
        ...seed.documentedKycSuccessWebhook.data,
        event_type: 'user.kyc.failed',
        status: 'rejected',
        reasons: ['Identity could not be verified'],
        reasons_code: ['ID_MISMATCH'],
      },
    };
    expect(kycWebhookEvent.parse(failed)).toMatchObject({
      status: 'failed',
      reasonCodes: ['ID_MISMATCH'],
    });
  });

  it('other documented events parse as deliveries but not as KYC events', () => {
    const other = {
      event: 'account.transfer.returned',
      data: { event_id: 'inn_whe_x', event_type: 'account.transfer.returned', transfer_id: '7' },
    };
    expect(webhookDelivery.safeParse(other).success).toBe(true);
    expect(kycWebhookEvent.safeParse(other).success).toBe(false);
  });
});

describe('request validation', () => {
  it('names every missing required field of user/create', () => {
    expect(failingFields(createUserRequest.safeParse({})).sort()).toEqual([
      'address_one',
      'city',
      'country',
      'email',
      'first_name',
      'last_name',
      'phone_number',
      'postal_code',
      'state',
    ]);
  });

  it('refuses impossible and future dates of birth', () => {
    const base = { user_id: 'u', ssn: '123456789' };
    for (const date_of_birth of ['1985-02-30', '85-06-15', '2999-01-01', '1850-01-01']) {
      expect(sendVerificationRequest.safeParse({ ...base, date_of_birth }).success).toBe(false);
    }
  });

  it('reports one message for a badly formatted date', () => {
    const result = sendVerificationRequest.safeParse({
      user_id: 'u',
      ssn: '123456789',
      date_of_birth: '15/06/1985',
    });
    expect(fieldIssues(result.error!)).toEqual([
      { field: 'date_of_birth', message: 'must be a date as YYYY-MM-DD' },
    ]);
  });

  it('names an empty customer_account_token instead of treating it as absent', () => {
    const result = verifyBillpayRequest.safeParse({
      ...seed.seedVerifyBillpayRequest,
      customer_account_token: '',
    });
    expect(failingFields(result)).toContain('customer_account_token');
  });

  it('keeps received values out of the issues it reports', () => {
    const result = sendVerificationRequest.safeParse({
      user_id: 'u',
      ssn: '12345678X',
      date_of_birth: '1985-13-45',
    });
    expect(JSON.stringify(fieldIssues(result.error!))).not.toMatch(/12345678X|1985-13-45/);
  });
});
