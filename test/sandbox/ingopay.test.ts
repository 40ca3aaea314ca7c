import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  billerSearchResponse,
  verifyBillpayResponse,
  verifyCheckResponse,
  type VerifyCheckRequest,
} from '../../src/ingo/schemas/ingopay';
import { checkBeneficiary, ingoPayCommon } from '../fixtures/ingo-requests';
import { seedVerifyBillpayRequest, seedVerifyCheckRequest } from '../fixtures/seed-examples';
import { anyNumber, anyString, matching, startSandbox, type TestSandbox } from './helpers';

/** IngoPay gateway: seeds 003 and 004, the status codes of INGO-API.md section 4. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const US_DATE = /^\d{2}\/\d{2}\/\d{4}$/;

function common(overrides: Record<string, unknown> = {}) {
  return {
    ...ingoPayCommon(),
    participant_unique_id1: randomUUID(),
    participant_unique_id2: randomUUID(),
    ...overrides,
  };
}

/** Seed 003's check request, with a fresh id and timestamp. */
function checkRequest(
  beneficiary: Partial<VerifyCheckRequest['beneficiary']> = {},
  overrides: Record<string, unknown> = {},
) {
  return {
    ...seedVerifyCheckRequest,
    ...common(),
    beneficiary: checkBeneficiary(beneficiary),
    ...overrides,
  };
}

/** Seed 004's bill pay request, with a fresh id and timestamp. */
function billpayRequest(overrides: Record<string, unknown> = {}) {
  return { ...seedVerifyBillpayRequest, ...common(), ...overrides };
}

const CHECK = '/gateway/verify--check';
const BILLPAY = '/gateway/verify--billpay';
const SEARCH = '/gateway/v1/biller/search';

describe('sandbox IngoPay gateway', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startSandbox();
  });
  afterAll(async () => {
    await t.close();
  });

  it('verify--check: tokenises the seed example in the seed shape', async () => {
    const request = checkRequest();
    const before = (await t.stats()).tokensIssued;
    const reply = await t.gateway(CHECK, request);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      status: 100,
      client_message: 'Success',
      data: {
        customer_account_token: matching(UUID),
        last_4: '0038',
        estimated_posting_date: matching(US_DATE),
        estimated_posting_time: 'Payment will post 7-10 Days',
        participant_unique_id1: request.participant_unique_id1,
        participant_unique_id2: request.participant_unique_id2,
        request_timestamp: anyNumber,
      },
      time: matching(/^\d+\.\d{4}$/),
    });
    expect(Object.keys(reply.body.data)).toEqual([
      'customer_account_token',
      'last_4',
      'estimated_posting_date',
      'estimated_posting_time',
      'participant_unique_id1',
      'participant_unique_id2',
      'request_timestamp',
    ]);
    expect(verifyCheckResponse.parse(reply.body.data).last4).toBe('0038');
    expect((await t.stats()).tokensIssued).toBe(before + 1);
  });

  it('replays a success for the same participant_unique_id1 as 101, without a new token', async () => {
    const request = checkRequest();
    const first = await t.gateway(CHECK, request);
    const before = (await t.stats()).tokensIssued;
    const replay = await t.gateway(CHECK, { ...request, timestamp: Math.floor(Date.now() / 1000) });
    expect(replay.body.status).toBe(101);
    expect(replay.body.data).toEqual(first.body.data);
    expect((await t.stats()).tokensIssued).toBe(before);
  });

  it('answers 104 while the same participant_unique_id1 is still processing', async () => {
    await t.admin('PUT', '/faults', { latencyMs: 150, paths: [CHECK] });
    try {
      const request = checkRequest();
      const replies = await Promise.all([t.gateway(CHECK, request), t.gateway(CHECK, request)]);
      expect(replies.map((r) => r.body.status).sort()).toEqual([100, 104]);
      const done = replies.find((r) => r.body.status === 100)!;
      const inProgress = replies.find((r) => r.body.status === 104)!;
      expect(inProgress.status).toBe(200);
      expect(inProgress.body.data).toEqual({
        participant_unique_id1: request.participant_unique_id1,
      });
      const after = await t.gateway(CHECK, request);
      expect(after.body.status).toBe(101);
      expect(after.body.data.customer_account_token).toBe(done.body.data.customer_account_token);
    } finally {
      await t.admin('PUT', '/faults', { latencyMs: 0, paths: null });
    }
  });

  it('verify--billpay: tokenises the seed example with the biller as issuer', async () => {
    const request = billpayRequest();
    const reply = await t.gateway(BILLPAY, request);
    expect(reply.body).toMatchObject({ status: 100, client_message: 'Success' });
    expect(reply.body.data).toEqual({
      customer_account_token: matching(UUID),
      last_4: '5678',
      request_timestamp: anyNumber,
      issuers: [
        {
          payee_id: '123457',
          payee_name: 'First Service Middle Jersey',
          payee_address: 'PO Box 5555',
          payee_city: 'Secaucus',
          payee_state: 'NJ',
          payee_zip: '07032-0310',
          credit_info: {
            min: '5.00',
            max: '2000.00',
            card_type: 'NA',
            estimated_posting_time: matching(/^Payment will post \d{2}\/\d{2}\/\d{4}$/),
            estimated_posting_date: matching(US_DATE),
          },
          issuing_network: 'NA',
          credit_enabled: 1,
          debit_enabled: 0,
        },
      ],
      participant_unique_id1: request.participant_unique_id1,
      participant_unique_id2: request.participant_unique_id2,
      count: 1,
    });
    const parsed = verifyBillpayResponse.parse(reply.body.data);
    expect(parsed.issuers[0]).toMatchObject({ payeeId: '123457', creditEnabled: true });
  });

  it('verify--billpay: reuses a token the sandbox issued, and refuses one it did not', async () => {
    const first = await t.gateway(BILLPAY, billpayRequest());
    const token = first.body.data.customer_account_token as string;
    const before = (await t.stats()).tokensIssued;
    const byToken = {
      ...common(),
      payee_id: '123457',
      account_type: 'BP',
      customer_account_token: token,
      amount: 25,
    };
    const reused = await t.gateway(BILLPAY, byToken);
    expect(reused.body.status).toBe(100);
    expect(reused.body.data).toMatchObject({ customer_account_token: token, last_4: '5678' });
    expect((await t.stats()).tokensIssued).toBe(before);

    const unknown = await t.gateway(BILLPAY, {
      ...byToken,
      ...common(),
      customer_account_token: randomUUID(),
    });
    expect(unknown.status).toBe(200);
    expect(unknown.body.status).toBe(401);
    expect(unknown.body.data.fields).toEqual([
      { field: 'customer_account_token', message: anyString },
    ]);

    const both = await t.gateway(BILLPAY, { ...billpayRequest(), customer_account_token: token });
    expect(both.body.status).toBe(401);
    expect(both.body.data.fields).toContainEqual({ field: 'account', message: anyString });
  });

  it('verify--billpay: an unknown payee_id or an account the biller rejects is 401', async () => {
    const unknownPayee = await t.gateway(BILLPAY, billpayRequest({ payee_id: '999999' }));
    expect(unknownPayee.body).toMatchObject({
      status: 401,
      client_message: 'Parameters incorrect',
      data: { fields: [{ field: 'payee_id', message: 'unknown payee' }] },
    });
    const badAccount = await t.gateway(BILLPAY, billpayRequest({ account: 'ABC' }));
    expect(badAccount.body).toMatchObject({
      status: 401,
      data: { fields: [{ field: 'account' }] },
    });
    const overMax = await t.gateway(BILLPAY, billpayRequest({ amount: 2000.01 }));
    expect(overMax.body).toMatchObject({ status: 401, data: { fields: [{ field: 'amount' }] } });
  });

  it('400 when a required parameter is missing or null', async () => {
    const { account: _account, ...noAccount } = billpayRequest();
    const missing = await t.gateway(BILLPAY, noAccount);
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({
      status: 400,
      client_message: 'Required parameter missing',
      data: { fields: [{ field: 'account', message: anyString }] },
    });
    const nullId = await t.gateway(CHECK, checkRequest({}, { participant_unique_id1: null }));
    expect(nullId.body).toMatchObject({
      status: 400,
      data: { fields: [{ field: 'participant_unique_id1' }] },
    });
    const noRecipient = await t.gateway(
      CHECK,
      checkRequest({}, { recipient_is_beneficiary: 0, recipient: undefined }),
    );
    expect(noRecipient.body).toMatchObject({
      status: 400,
      data: { fields: [{ field: 'recipient' }] },
    });
  });

  it('401 when a parameter is incorrect, naming it', async () => {
    const badZip = await t.gateway(CHECK, checkRequest({ beneficiary_zip: '1234' }));
    expect(badZip.body).toMatchObject({
      status: 401,
      data: { fields: [{ field: 'beneficiary.beneficiary_zip', message: anyString }] },
    });
    const wrongType = await t.gateway(BILLPAY, billpayRequest({ amount: '10.00' }));
    expect(wrongType.body).toMatchObject({ status: 401, data: { fields: [{ field: 'amount' }] } });
    const wrongVersion = await t.gateway(BILLPAY, billpayRequest({ version: 10 }));
    expect(wrongVersion.body).toMatchObject({
      status: 401,
      data: { fields: [{ field: 'version' }] },
    });
    const participant = await t.gateway(CHECK, checkRequest({}, { participant_id: 54321 }));
    expect(participant.status).toBe(200);
    expect(participant.body).toMatchObject({
      status: 401,
      data: { fields: [{ field: 'participant_id', message: 'unknown participant' }] },
    });
  });

  it('402 when the body timestamp is more than 300 s off, either way', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 301, now + 301]) {
      const reply = await t.gateway(CHECK, checkRequest({}, { timestamp }));
      expect(reply.status).toBe(200);
      expect(reply.body.status).toBe(402);
    }
    const within = await t.gateway(CHECK, checkRequest({}, { timestamp: now - 295 }));
    expect(within.body.status).toBe(100);
  });

  it.each([
    ['account ending 0700', { beneficiary_account: '5550000700' }, 700],
    ['account ending 1042', { beneficiary_account: '5550001042' }, 1042],
    ['zip 99753', { beneficiary_zip: '99753' }, 753],
    ['zip 99754', { beneficiary_zip: '99754-1234' }, 754],
    ['zip 99755', { beneficiary_zip: '99755' }, 755],
    ['zip 99111', { beneficiary_zip: '99111' }, 111],
    ['zip 99112', { beneficiary_zip: '99112' }, 112],
    ['zip 99113', { beneficiary_zip: '99113' }, 113],
  ])('verify--check: %s -> %i', async (_name, beneficiary, status) => {
    const before = (await t.stats()).tokensIssued;
    const reply = await t.gateway(CHECK, checkRequest(beneficiary));
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe(status);
    const success = status >= 111 && status <= 113;
    expect('customer_account_token' in reply.body.data).toBe(success);
    expect((await t.stats()).tokensIssued).toBe(before + (success ? 1 : 0));
  });

  it.each([
    [{ account: '12340700' }, 700],
    [{ account: '12341042' }, 1042],
    [{ recipient_zip: '99753' }, 753],
    [{ recipient_zip: '99111' }, 111],
  ])('verify--billpay: %o -> %i', async (fields, status) => {
    const reply = await t.gateway(BILLPAY, billpayRequest(fields));
    expect(reply.body.status).toBe(status);
  });

  it('a decline is not replayed: the same id is evaluated again', async () => {
    const request = checkRequest({ beneficiary_account: '5550000700' });
    expect((await t.gateway(CHECK, request)).body.status).toBe(700);
    expect((await t.gateway(CHECK, request)).body.status).toBe(700);
  });

  it('biller search filters the catalogue by account, amount and rail', async () => {
    const base = ingoPayCommon();
    const seedAccount = await t.gateway(SEARCH, { ...base, account: '12345678', amount: 100 });
    expect(seedAccount.body.status).toBe(100);
    const billers = billerSearchResponse.parse(seedAccount.body.data);
    expect(billers.map((b) => b.payeeId)).toEqual(['123457']);
    expect((seedAccount.body.data.billers as unknown[])[0]).toEqual({
      id: '123457',
      name: 'First Service Middle Jersey',
      address: 'PO Box 5555',
      city: 'Secaucus',
      state: 'NJ',
      zip: '07032-0310',
      min: '5.00',
      max: '2000.00',
      estimated_posting_time: matching(/^Payment will post /),
      estimated_posting_date: matching(US_DATE),
      credit_enabled: 1,
      debit_enabled: 0,
    });

    const tenDigits = await t.gateway(SEARCH, { ...base, account: '1234567890' });
    expect(billerSearchResponse.parse(tenDigits.body.data).map((b) => b.payeeId)).toEqual([
      '123457',
      '200104',
    ]);
    const debit = await t.gateway(SEARCH, { ...base, account: '1234567890', rail_type: 'DEBIT' });
    expect(billerSearchResponse.parse(debit.body.data).map((b) => b.payeeId)).toEqual(['200104']);
    const large = await t.gateway(SEARCH, { ...base, account: '1234567890', amount: 3000 });
    expect(billerSearchResponse.parse(large.body.data).map((b) => b.payeeId)).toEqual(['200104']);
    const none = await t.gateway(SEARCH, { ...base, account: 'nothing-matches' });
    expect(none.body).toMatchObject({ status: 100, data: { billers: [], count: 0 } });
  });

  it('answers HTTP 401 with an envelope when the signature is wrong', async () => {
    const reply = await t.gateway(CHECK, checkRequest(), { secret: 'not-the-secret' });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({
      status: 401,
      client_message: 'Unauthorized',
      data: { reason: 'signature_mismatch' },
      time: anyString,
    });
  });

  it('verifies the gateway with its own credentials when provisioned apart', async () => {
    const apart = await startSandbox({ pay: { username: 'pay-user', secret: 'pay-secret' } });
    try {
      const withBanking = await apart.gateway(CHECK, checkRequest(), {
        username: 'sandbox',
        secret: 'sandbox-secret',
      });
      expect(withBanking.status).toBe(401);
      expect(withBanking.body.data).toEqual({ reason: 'unknown_username' });
      const withPay = await apart.gateway(CHECK, checkRequest());
      expect(withPay.body.status).toBe(100);
    } finally {
      await apart.close();
    }
  });
});
