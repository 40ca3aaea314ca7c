import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import {
  IngoAuthError,
  IngoBankingClient,
  IngoDeclinedError,
  IngoDuplicateError,
  IngoInProgressError,
  IngoInvalidStateError,
  IngoNetworkError,
  IngoNotFoundError,
  IngoPayClient,
  IngoRateLimitError,
  IngoServerError,
  IngoValidationError,
} from '../../src/ingo';
import type { CreateUserRequest } from '../../src/ingo/schemas/banking';
import type { VerifyBillpayRequest, VerifyCheckRequest } from '../../src/ingo/schemas/ingopay';
import { createSandbox, type RunningSandbox } from '../../dev/sandbox/sandbox';
import { SandboxAdminClient } from '../../dev/sandbox/admin-client';
import { applicantRequest, billpayRawFields, checkToBeneficiary } from '../fixtures/ingo-requests';

/**
 * The typed clients against the real sandbox over HTTP: every call's happy path and each
 * documented error, with faults injected through the sandbox's admin API.
 */

const { ingo } = loadConfig({});
let running: RunningSandbox;
let banking: IngoBankingClient;
let pay: IngoPayClient;

const clientsAt = (
  url: string,
  overrides: { secret?: string; apiKey?: string; now?: () => Date; participantId?: number } = {},
) => ({
  banking: new IngoBankingClient({
    baseUrl: `${url}/api/v4`,
    credentials: { ...ingo.banking, secret: overrides.secret ?? ingo.banking.secret },
    apiKey: overrides.apiKey ?? ingo.apiKey,
    timeoutMs: 5000,
    now: overrides.now,
  }),
  pay: new IngoPayClient({
    baseUrl: url,
    credentials: { ...ingo.pay, secret: overrides.secret ?? ingo.pay.secret },
    participantId: overrides.participantId ?? ingo.participantId,
    timeoutMs: 5000,
    now: overrides.now,
  }),
});

let admin: SandboxAdminClient;
const stats = () => admin.stats();

let emailCounter = 0;
/** Seed 000's applicant with an email of her own. */
function applicant(overrides: Partial<CreateUserRequest> = {}): CreateUserRequest {
  emailCounter += 1;
  return applicantRequest({ email: `jane.${emailCounter}@example.com`, ...overrides });
}

async function waitForKyc(userId: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await banking.checkVerificationRequest({ user_id: userId });
    if (status.kycStatus !== 'in_review' || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  running = await createSandbox({
    port: 0,
    kycDelayMs: 20,
    webhookUrl: undefined,
    logger: pino({ level: 'silent' }),
  }).start();
  ({ banking, pay } = clientsAt(running.url));
  admin = new SandboxAdminClient(running.url);
});

afterAll(async () => {
  await running.close();
});

afterEach(async () => {
  await admin.reset();
});

describe('Banking Platform contract', () => {
  it('create -> get-all -> verify -> check -> issue, and the gate before verification', async () => {
    const created = await banking.createUser(
      applicant({ meta_data: [{ name: 'onboarding_id', value: 'onboarding-s1' }] }),
    );
    expect(created.userId).toMatch(/^user-/);
    expect(created.kycStatus).toBe('not_started');

    const found = await banking.listUsers({
      email: created.email ?? `jane.${emailCounter}@example.com`,
    });
    expect(found.items.map((user) => user.userId)).toEqual([created.userId]);
    expect(found.items[0]!.metaData).toEqual([{ name: 'onboarding_id', value: 'onboarding-s1' }]);

    await expect(banking.issueRoutableAccount({ user_id: created.userId })).rejects.toBeInstanceOf(
      IngoInvalidStateError,
    );

    const submitted = await banking.sendVerificationRequest({
      user_id: created.userId,
      ssn: '123456789',
      date_of_birth: '1985-06-15',
    });
    expect(submitted).toEqual({ userId: created.userId, kycStatus: 'in_review' });
    expect(await waitForKyc(created.userId)).toEqual({
      userId: created.userId,
      kycStatus: 'verified',
    });

    const account = await banking.issueRoutableAccount({ user_id: created.userId });
    expect(account.routableBankAccountId).toMatch(/^rbac-/);
    expect(account.accountNumber).toMatch(/^\d{10}$/);
    expect(account.routingNumber).toMatch(/^\d{9}$/);
    expect(account.userId).toBe(created.userId);
    expect((await stats()).accountsIssued).toBe(1);
  });

  it('KYC failure (SSN ending 0000) reads as failed', async () => {
    const user = await banking.createUser(applicant());
    await banking.sendVerificationRequest({
      user_id: user.userId,
      ssn: '123450000',
      date_of_birth: '1985-06-15',
    });
    expect((await waitForKyc(user.userId)).kycStatus).toBe('failed');
    await expect(banking.issueRoutableAccount({ user_id: user.userId })).rejects.toMatchObject({
      code: 'INVALID_STATE',
      httpStatus: 409,
    });
  });

  it('pages through get-all and finds every user with one email', async () => {
    const email = 'shared@example.com';
    for (let i = 0; i < 3; i += 1) await banking.createUser(applicant({ email }));
    await banking.createUser(applicant());
    const firstPage = await banking.listUsers({ email, page: 1, per_page: 2 });
    expect(firstPage.items).toHaveLength(2);
    expect(firstPage.pagination).toEqual({ page: 1, perPage: 2, total: 3 });
    expect(await banking.listAllUsers({ email })).toHaveLength(3);
  });

  it('links an external bank account once per idempotent_key', async () => {
    const user = await banking.createUser(applicant());
    const request = {
      user_id: user.userId,
      idempotent_key: 'onboarding-s1-bank-account',
      first_name: 'Alex',
      last_name: 'Rivera',
      account_number: '8001234567',
      routing_number: '123456789',
    };
    const first = await banking.saveBankAccount(request);
    expect(first).toMatchObject({ accountNumberLast4: '4567', routingNumber: '123456789' });
    expect(first.bankAccountId).toMatch(/^bbac-/);
    expect(await banking.saveBankAccount(request)).toEqual(first);
    expect((await stats()).bankAccountsLinked).toBe(1);
  });

  it('NOT_FOUND for an unknown user', async () => {
    const error = await banking
      .checkVerificationRequest({ user_id: 'user-nobody' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngoNotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, retryable: false });
  });

  it('UNAUTHORIZED for a wrong secret, a wrong api_key and a skewed clock', async () => {
    const wrongSecret = clientsAt(running.url, { secret: 'not-the-secret' }).banking;
    const wrongKey = clientsAt(running.url, { apiKey: 'not-the-key' }).banking;
    const skewed = clientsAt(running.url, { now: () => new Date(Date.now() - 301_000) }).banking;
    for (const client of [wrongSecret, wrongKey, skewed]) {
      const error = await client.listUsers().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IngoAuthError);
      expect(error).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, retryable: false });
    }
  });

  it('DUPLICATE when the sandbox enforces unique emails', async () => {
    const strict = await createSandbox({
      port: 0,
      uniqueEmails: true,
      logger: pino({ level: 'silent' }),
    }).start();
    try {
      const client = clientsAt(strict.url).banking;
      const request = applicant();
      await client.createUser(request);
      const error = await client.createUser(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IngoDuplicateError);
      expect(error).toMatchObject({ code: 'DUPLICATE', httpStatus: 409 });
    } finally {
      await strict.close();
    }
  });

  it('INTERNAL_ERROR and RATE_LIMITED are retryable, with Retry-After', async () => {
    await admin.putFaults({ errorRate: 1 });
    await expect(banking.listUsers()).rejects.toMatchObject({
      name: 'IngoServerError',
      code: 'INTERNAL_ERROR',
      retryable: true,
    });
    await admin.putFaults({ errorRate: 0, rateLimitRate: 1 });
    const limited = await banking.listUsers().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(IngoRateLimitError);
    expect((limited as IngoRateLimitError).retryAfterMs).toBeGreaterThan(0);
  });

  it('a lost response is a retryable network error, and Ingo did create the user', async () => {
    await admin.putFaults({ lostResponseRate: 1, paths: ['/api/v4/user/create'] });
    const request = applicant();
    const error = await banking.createUser(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngoNetworkError);
    expect(error).toMatchObject({ retryable: true, maybeCommitted: true });
    expect((await stats()).usersCreated).toBe(1);
    // Faults are scoped to user/create: the look-up that prevents a duplicate still works.
    expect((await banking.listUsers({ email: request.email })).items).toHaveLength(1);
  });
});

describe('IngoPay gateway contract', () => {
  // Seed 003 and 004, with an Atlanta ZIP in place of the seeds' 00000.
  const check = (
    id: string,
    overrides: Partial<VerifyCheckRequest['beneficiary']> = {},
  ): VerifyCheckRequest => checkToBeneficiary(id, { beneficiary_zip: '30313', ...overrides });
  const billpay = (
    id: string,
    overrides: Partial<VerifyBillpayRequest> = {},
  ): VerifyBillpayRequest => ({
    participant_unique_id1: id,
    payee_id: '123457',
    ...billpayRawFields({ recipient_zip: '30313' }),
    ...overrides,
  });

  it('biller search finds the seed biller for its account', async () => {
    const billers = await pay.searchBillers({ account: '12345678' });
    expect(billers.map((biller) => biller.payeeId)).toContain('123457');
    expect(billers.find((biller) => biller.payeeId === '123457')).toMatchObject({
      name: 'First Service Middle Jersey',
      creditEnabled: true,
    });
  });

  it('verify--check tokenises once; the same participant_unique_id1 replays (101)', async () => {
    const first = await pay.verifyCheck(check('onb-1-check'));
    expect(first).toMatchObject({
      last4: '0038',
      ingoPayStatus: 100,
      replay: false,
      partialAddressMatch: false,
    });
    const again = await pay.verifyCheck(check('onb-1-check'));
    expect(again).toMatchObject({
      customerAccountToken: first.customerAccountToken,
      ingoPayStatus: 101,
      replay: true,
    });
    expect((await stats()).tokensIssued).toBe(1);
  });

  it('verify--billpay with raw fields, then with the token it returned', async () => {
    const raw = await pay.verifyBillpay(billpay('onb-1-billpay'));
    expect(raw.last4).toBe('5678');
    expect(raw.issuers[0]).toMatchObject({ payeeId: '123457' });
    const byToken = await pay.verifyBillpay({
      participant_unique_id1: 'onb-1-billpay-reverify',
      payee_id: '123457',
      customer_account_token: raw.customerAccountToken,
    });
    expect(byToken.customerAccountToken).toBe(raw.customerAccountToken);
  });

  it('declines are typed and not retryable: 700, 753-755, 1042', async () => {
    const cases: [Promise<unknown>, string, number][] = [
      [pay.verifyBillpay(billpay('d1', { account: '55550700' })), 'ACCOUNT_UNAVAILABLE', 700],
      [pay.verifyBillpay(billpay('d2', { account: '55551042' })), 'CHECK_DIGIT_FAILURE', 1042],
      [pay.verifyCheck(check('d3', { beneficiary_zip: '99753' })), 'ADDRESS_DECLINED', 753],
      [pay.verifyCheck(check('d4', { beneficiary_zip: '99755' })), 'ADDRESS_DECLINED', 755],
    ];
    for (const [call, code, ingoPayStatus] of cases) {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IngoDeclinedError);
      expect(error).toMatchObject({ code, ingoPayStatus, retryable: false });
    }
  });

  it('a partial address match (111-113) still tokenises', async () => {
    const token = await pay.verifyCheck(check('p1', { beneficiary_zip: '99112' }));
    expect(token).toMatchObject({ ingoPayStatus: 112, partialAddressMatch: true, replay: false });
  });

  it('an unknown payee or participant is an invalid parameter (401) naming the field', async () => {
    const unknownPayee = await pay
      .verifyBillpay(billpay('v1', { payee_id: '999999' }))
      .catch((e: unknown) => e);
    expect(unknownPayee).toBeInstanceOf(IngoValidationError);
    expect(unknownPayee).toMatchObject({
      code: 'INVALID_PARAMETER',
      ingoPayStatus: 401,
      fields: ['payee_id'],
    });

    const otherParticipant = clientsAt(running.url, { participantId: 99 }).pay;
    await expect(otherParticipant.verifyCheck(check('v2'))).rejects.toMatchObject({
      name: 'IngoValidationError',
      ingoPayStatus: 401,
      fields: ['participant_id'],
    });
  });

  it('a concurrent call with the same participant_unique_id1 is in progress (104), retryable', async () => {
    await admin.putFaults({ latencyMs: 300, paths: ['/gateway/verify--check'] });
    const results = await Promise.allSettled([
      pay.verifyCheck(check('c1')),
      pay.verifyCheck(check('c1')),
    ]);
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(IngoInProgressError);
    expect((await stats()).tokensIssued).toBe(1);
  });

  it('a gateway system fault is retryable', async () => {
    await admin.putFaults({ errorRate: 1 });
    await expect(pay.verifyCheck(check('f1'))).rejects.toBeInstanceOf(IngoServerError);
  });

  it('wrong credentials or a skewed clock are refused', async () => {
    for (const overrides of [{ secret: 'nope' }, { now: () => new Date(Date.now() + 301_000) }]) {
      await expect(
        clientsAt(running.url, overrides).pay.searchBillers({ account: '1' }),
      ).rejects.toBeInstanceOf(IngoAuthError);
    }
  });
});

describe('an independent client (Python, written from INGO-API.md alone)', () => {
  it('drives the sandbox through create -> verify -> issue', async () => {
    // Asynchronous on purpose: the sandbox serves from this very process.
    const script = path.join(__dirname, '..', 'external', 'drive_sandbox.py');
    const result = await promisify(execFile)('python3', [script, running.url], { timeout: 30_000 });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      created_kyc_status: 'not_started',
      issue_before_verified: [409, 'INVALID_STATE'],
      submitted_kyc_status: 'in_review',
      final_kyc_status: 'verified',
      issue_status: 200,
    });
    expect(report.account_id).toMatch(/^rbac-/);
  });
});
