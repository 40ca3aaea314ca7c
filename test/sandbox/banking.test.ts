import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createUserResponse,
  issueRoutableAccountResponse,
  listUsersResponse,
  saveBankAccountResponse,
} from '../../src/ingo/schemas/banking';
import { accountIssuedEvent, kycWebhookEvent } from '../../src/ingo/schemas/webhook';
import {
  anyString,
  createUser,
  JANE,
  kycStatus,
  matching,
  startReceiver,
  startSandbox,
  submitKyc,
  until,
  type TestSandbox,
  type WebhookReceiver,
} from './helpers';

/** Sum-of-weights check of an ABA routing number, written independently of the sandbox's. */
function abaValid(routing: string): boolean {
  const d = [...routing].map(Number);
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return /^[0-9]{9}$/.test(routing) && sum % 10 === 0;
}

describe('sandbox Banking Platform', () => {
  let t: TestSandbox;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    t = await startSandbox();
    receiver = await startReceiver({
      username: 'sandbox',
      secret: t.sandbox.options.webhookSecret,
    });
    await t.admin('PUT', '/settings', { webhookUrl: receiver.url });
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  it('runs the happy path: create, verify, webhook, check, issue', async () => {
    const created = await t.banking('/api/v4/user/create', {
      ...JANE,
      meta_data: [{ name: 'onboarding_id', value: 'onb-1' }],
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      status: 'success',
      message: 'operation completed',
      data: { user_id: matching(/^user-[0-9a-f-]{36}$/), kyc_status: 'not_started' },
    });
    const { userId } = createUserResponse.parse(created.body.data);

    const submitted = await submitKyc(t, userId, '123456789');
    expect(submitted.body.data).toEqual({ user_id: userId, kyc_status: 'in_review' });

    await until(() => receiver.received.length === 1);
    const [webhook] = receiver.received;
    expect(webhook!.verification).toEqual({ ok: true, username: 'sandbox' });
    expect(webhook!.path).toBe('/hooks/ingo?program=test');
    expect(webhook!.delivery).toEqual({
      event: 'user.kyc.success',
      data: {
        event_id: matching(/^inn_whe_[A-Za-z0-9]{22}$/),
        event_type: 'user.kyc.success',
        event_description: '',
        user_id: userId,
        status: 'verified',
      },
      created_at: matching(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2} (AM|PM)$/),
      updated_at: matching(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2} (AM|PM)$/),
    });
    expect(kycWebhookEvent.parse(webhook!.delivery)).toMatchObject({
      subjectId: userId,
      status: 'verified',
    });

    const checked = await t.banking('/api/v4/user/check-verification-request', { user_id: userId });
    expect(checked.body.data).toEqual({ user_id: userId, kyc_status: 'verified' });

    const issued = await t.banking('/api/v4/business/routable-bank-accounts/issue', {
      user_id: userId,
    });
    expect(issued.status).toBe(200);
    const account = issueRoutableAccountResponse.parse(issued.body.data);
    expect(account.routableBankAccountId).toMatch(/^rbac-[0-9a-f-]{36}$/);
    expect(account.accountNumber).toMatch(/^[1-9][0-9]{9}$/);
    expect(abaValid(account.routingNumber)).toBe(true);
    expect(account.userId).toBe(userId);

    // Announced by webhook, with the last four digits only.
    await until(() => receiver.received.length === 2);
    const announcement = receiver.received[1]!;
    expect(announcement.verification.ok).toBe(true);
    expect(announcement.delivery).toEqual({
      event: 'account.issue.created',
      data: {
        event_id: matching(/^inn_whe_[A-Za-z0-9]{22}$/),
        event_type: 'account.issue.created',
        event_description: '',
        user_id: userId,
        routable_bank_account_id: account.routableBankAccountId,
        routing_number: account.routingNumber,
        account_number_last_4: account.accountNumber.slice(-4),
      },
      created_at: matching(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2} (AM|PM)$/),
      updated_at: matching(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2} (AM|PM)$/),
    });
    expect(JSON.stringify(announcement.delivery)).not.toContain(account.accountNumber);
    expect(accountIssuedEvent.parse(announcement.delivery)).toEqual({
      eventId: announcement.delivery.data.event_id,
      userId,
      routableBankAccountId: account.routableBankAccountId,
      routingNumber: account.routingNumber,
      accountNumberLast4: account.accountNumber.slice(-4),
    });

    const view = await t.admin('GET', `/users/${userId}`);
    expect(view.body).toMatchObject({
      id: userId,
      kyc_status: 'verified',
      ssn_last_four: '6789',
      meta_data: [{ name: 'onboarding_id', value: 'onb-1' }],
      routable_accounts: [
        {
          id: account.routableBankAccountId,
          account_number_last_4: account.accountNumber.slice(-4),
        },
      ],
    });
    expect(JSON.stringify(view.body)).not.toContain(account.accountNumber);
    expect(JSON.stringify(view.body)).not.toContain('123456789');

    const stats = await t.stats();
    expect(stats).toMatchObject({
      usersCreated: 1,
      accountsIssued: 1,
      bankAccountsLinked: 0,
      tokensIssued: 0,
      calls: {
        '/api/v4/user/create': 1,
        '/api/v4/user/send-verification-request': 1,
        '/api/v4/user/check-verification-request': 1,
        '/api/v4/business/routable-bank-accounts/issue': 1,
      },
      webhooks: { sent: 2, delivered: 2, failed: 0, pending: 0 },
    });
  });

  it('accepts the api_key as a body field instead of the header', async () => {
    const reply = await t.banking(
      '/api/v4/user/create',
      { ...JANE, api_key: t.sandbox.options.apiKey },
      { apiKey: null },
    );
    expect(reply.status).toBe(200);
  });

  it('refuses to issue an account before verification with INVALID_STATE', async () => {
    const userId = await createUser(t);
    const before = await t.banking('/api/v4/business/routable-bank-accounts/issue', {
      user_id: userId,
    });
    expect(before.status).toBe(409);
    expect(before.body).toEqual({
      status: 'error',
      message: anyString,
      error: { code: 'INVALID_STATE', details: { user_id: userId, kyc_status: 'not_started' } },
    });

    await t.admin('PUT', '/settings', { kycDelayMs: 60_000 });
    await submitKyc(t, userId, '123456789');
    const during = await t.banking('/api/v4/business/routable-bank-accounts/issue', {
      user_id: userId,
    });
    expect(during.status).toBe(409);
    expect(during.body.error.code).toBe('INVALID_STATE');
    expect((await t.stats()).accountsIssued).toBe(0);
    const announcements = await t.admin<{ events: unknown[] }>(
      'GET',
      '/webhooks?event_type=account.issue.created',
    );
    expect(announcements.body.events).toEqual([]);
  });

  it('issues a new account on every call, without deduplication', async () => {
    const userId = await createUser(t);
    await submitKyc(t, userId, '987651111');
    await until(async () => (await kycStatus(t, userId)) === 'verified');
    const first = await t.banking('/api/v4/business/routable-bank-accounts/issue', {
      user_id: userId,
    });
    const second = await t.banking('/api/v4/business/routable-bank-accounts/issue', {
      user_id: userId,
    });
    expect(first.body.data.routable_bank_account_id).not.toBe(
      second.body.data.routable_bank_account_id,
    );
    expect(first.body.data.account_number).not.toBe(second.body.data.account_number);
    expect((await t.stats()).accountsIssued).toBe(2);
  });

  it('refuses a new verification request once verified', async () => {
    const userId = await createUser(t);
    await submitKyc(t, userId, '987651111');
    await until(async () => (await kycStatus(t, userId)) === 'verified');
    const again = await submitKyc(t, userId, '987651111');
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({
      code: 'INVALID_STATE',
      details: { user_id: userId, kyc_status: 'verified' },
    });
  });

  it('answers NOT_FOUND for unknown users on every user call', async () => {
    const unknown = 'user-00000000-0000-4000-8000-000000000000';
    const calls: [string, Record<string, unknown>][] = [
      [
        '/api/v4/user/send-verification-request',
        { user_id: unknown, ssn: '123456789', date_of_birth: '1985-06-15' },
      ],
      ['/api/v4/user/check-verification-request', { user_id: unknown }],
      ['/api/v4/business/routable-bank-accounts/issue', { user_id: unknown }],
      [
        '/api/v3/users/bank-accounts/save',
        {
          user_id: unknown,
          idempotent_key: 'k',
          first_name: 'A',
          last_name: 'R',
          account_number: '8001234567',
          routing_number: '123456789',
        },
      ],
    ];
    for (const [path, body] of calls) {
      const reply = await t.banking(path, body);
      expect(reply.status, path).toBe(404);
      expect(reply.body.error.code, path).toBe('NOT_FOUND');
    }
  });

  it('allows duplicate emails by default: a retried create makes a second user', async () => {
    const first = await createUser(t);
    const second = await createUser(t, { email: 'JANE.DOE@example.com' });
    expect(first).not.toBe(second);
    expect((await t.stats()).usersCreated).toBe(2);
  });

  it('refuses a repeated email with DUPLICATE when unique emails are on', async () => {
    const unique = await startSandbox({ uniqueEmails: true });
    try {
      await createUser(unique);
      const again = await unique.banking('/api/v4/user/create', {
        ...JANE,
        email: 'Jane.Doe@Example.com',
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('DUPLICATE');
      expect((await unique.stats()).usersCreated).toBe(1);
    } finally {
      await unique.close();
    }
  });

  it('lists users newest first, filtered by email and search, paged', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      ids.push(
        await createUser(t, {
          first_name: i % 2 === 0 ? 'Alex' : 'Sam',
          email: `person${i}@example.com`,
          meta_data: [{ name: 'onboarding_id', value: `onb-${i}` }],
        }),
      );
    }
    const newestFirst = [...ids].reverse();

    const firstPage = await t.banking('/api/v4/user/get-all', {});
    const page1 = listUsersResponse.parse(firstPage.body.data);
    expect(page1.items.map((u) => u.userId)).toEqual(newestFirst.slice(0, 10));
    expect(firstPage.body.data.pagination).toEqual({
      page: 1,
      per_page: 10,
      total: 12,
      sort: 'created_at:desc',
      search: null,
    });
    expect(firstPage.body.data.items).toContainEqual({
      id: ids[2],
      first_name: 'Alex',
      last_name: 'Doe',
      email: 'person2@example.com',
      kyc_status: 'not_started',
      meta_data: [{ name: 'onboarding_id', value: 'onb-2' }],
      created_at: matching(/^\d{4}-\d{2}-\d{2}T/),
    });

    const page2 = listUsersResponse.parse(
      (await t.banking('/api/v4/user/get-all', { page: 2, per_page: 5 })).body.data,
    );
    expect(page2.items.map((u) => u.userId)).toEqual(newestFirst.slice(5, 10));
    expect(page2.pagination).toEqual({ page: 2, perPage: 5, total: 12 });

    const byEmail = listUsersResponse.parse(
      (await t.banking('/api/v4/user/get-all', { email: 'PERSON3@example.COM' })).body.data,
    );
    expect(byEmail.items.map((u) => u.userId)).toEqual([ids[3]]);

    const partialEmail = await t.banking('/api/v4/user/get-all', { email: 'person3' });
    expect(partialEmail.body.data.items).toEqual([]);

    const searched = await t.banking('/api/v4/user/get-all', { search: 'sam', per_page: 500 });
    expect(searched.body.data.pagination).toMatchObject({ total: 6, search: 'sam' });

    const bySearchEmail = await t.banking('/api/v4/user/get-all', { search: 'son11@' });
    expect(listUsersResponse.parse(bySearchEmail.body.data).items.map((u) => u.userId)).toEqual([
      ids[11],
    ]);

    const tooMany = await t.banking('/api/v4/user/get-all', { per_page: 501 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details).toEqual({
      fields: [{ field: 'per_page', message: anyString }],
    });
  });

  it('links a bank account once per idempotent_key', async () => {
    const userId = await createUser(t);
    const request = {
      user_id: userId,
      idempotent_key: 'idp-9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8',
      first_name: 'Alex',
      last_name: 'Rivera',
      account_number: '8001234567',
      routing_number: '123456789',
    };
    const first = await t.banking('/api/v3/users/bank-accounts/save', request);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      items: [
        {
          id: matching(/^bbac-[0-9a-f-]{36}$/),
          account_number_last_4: '4567',
          routing_number: '123456789',
          bank_name: anyString,
          source_platform: 'ipg',
          created_at: matching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        },
      ],
      pagination: { page: 1, per_page: 25, total: 1, sort: 'created_at:desc', search: null },
    });
    expect(saveBankAccountResponse.parse(first.body.data).accountNumberLast4).toBe('4567');

    const replay = await t.banking('/api/v4/users/bank-accounts/save', {
      ...request,
      account_number: '1111222233',
    });
    expect(replay.body).toEqual(first.body);

    const other = await t.banking('/api/v4/users/bank-accounts/save', {
      ...request,
      idempotent_key: 'idp-2',
    });
    expect(other.body.data.items).not.toEqual(first.body.data.items);
    expect((await t.stats()).bankAccountsLinked).toBe(2);
    const view = await t.admin<{ bank_accounts: unknown[] }>('GET', `/users/${userId}`);
    expect(view.body.bank_accounts).toHaveLength(2);
  });
});
