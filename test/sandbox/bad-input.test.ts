import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rawCheckToBeneficiary } from '../fixtures/ingo-requests';
import {
  anyString,
  containing,
  createUser,
  JANE,
  like,
  startSandbox,
  submitKyc,
  type TestSandbox,
} from './helpers';

/** Bad requests get precise answers, and none of them stops the sandbox serving. */

const CREATE = '/api/v4/user/create';
const CHECK = '/gateway/verify--check';

describe('sandbox bad input', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startSandbox();
  });
  afterAll(async () => {
    await t.close();
  });

  async function expectServing() {
    expect((await t.banking(CREATE, JANE)).status).toBe(200);
  }

  it('names every missing field', async () => {
    const { first_name: _first, email: _email, ...rest } = JANE;
    const reply = await t.banking(CREATE, rest);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      status: 'error',
      message: anyString,
      error: {
        code: 'VALIDATION_ERROR',
        details: {
          fields: [
            { field: 'first_name', message: anyString },
            { field: 'email', message: anyString },
          ],
        },
      },
    });
  });

  it('names malformed fields without echoing their values', async () => {
    const reply = await t.banking(CREATE, { ...JANE, email: 'not-an-email', postal_code: 'ABCDE' });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details.fields).toEqual([
      { field: 'email', message: anyString },
      { field: 'postal_code', message: anyString },
    ]);
    expect(JSON.stringify(reply.body)).not.toContain('not-an-email');

    const userId = await createUser(t);
    const kyc = await t.banking('/api/v4/user/send-verification-request', {
      user_id: userId,
      ssn: '123-45-6789',
      date_of_birth: '15/06/1985',
    });
    expect(kyc.status).toBe(400);
    const fields = kyc.body.error.details.fields as { field: string }[];
    expect(new Set(fields.map((issue) => issue.field))).toEqual(new Set(['ssn', 'date_of_birth']));
    expect(JSON.stringify(kyc.body)).not.toContain('123-45-6789');
  });

  it('rejects wrong types', async () => {
    const page = await t.banking('/api/v4/user/get-all', { page: '2' });
    expect(page.status).toBe(400);
    expect(page.body.error.details).toEqual({
      fields: [{ field: 'page', message: anyString }],
    });
    const terms = await t.banking(CREATE, { ...JANE, terms_accepted: 'yes', meta_data: 'x' });
    expect(terms.body.error.details.fields).toEqual([
      { field: 'terms_accepted', message: anyString },
      { field: 'meta_data', message: anyString },
    ]);
    const userId = await createUser(t);
    expect((await submitKyc(t, userId, 123456789 as unknown as string)).status).toBe(400);
  });

  it('answers 413 to a body over 1 MiB, on both APIs', async () => {
    const huge = JSON.stringify({ ...JANE, padding: 'x'.repeat(1024 * 1024) });
    const banking = await t.banking(CREATE, huge);
    expect(banking.status).toBe(413);
    expect(banking.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      details: { limit_bytes: 1024 * 1024 },
    });
    const gateway = await t.gateway(CHECK, huge);
    expect(gateway.status).toBe(413);
    expect(gateway.body.status).toBe(413);
    await expectServing();
  });

  it('answers 400 to a body that is not a JSON object', async () => {
    const notJson = await t.banking(CREATE, '{"first_name": "Jane",');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      details: { reason: 'malformed_json' },
    });
    const array = await t.banking(CREATE, [JANE]);
    expect(array.status).toBe(400);
    expect(array.body.error.details).toEqual({ reason: 'not_an_object' });
    const empty = await t.banking(CREATE, '');
    expect(empty.status).toBe(400);
    const gateway = await t.gateway(CHECK, 'null');
    expect(gateway.status).toBe(400);
    expect(gateway.body).toMatchObject({ status: 400, data: { reason: 'not_an_object' } });
    await expectServing();
  });

  it('answers 415 to a Content-Type other than JSON', async () => {
    const reply = await t.banking(CREATE, JSON.stringify(JANE), { contentType: 'text/plain' });
    expect(reply.status).toBe(415);
    expect(reply.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      details: { reason: 'unsupported_media_type' },
    });
    const withCharset = await t.banking(CREATE, JANE, {
      contentType: 'application/json; charset=utf-8',
    });
    expect(withCharset.status).toBe(200);
    await expectServing();
  });

  it('answers 404 as JSON to unknown paths and methods', async () => {
    const unknown = await t.banking('/api/v4/user/delete', { user_id: 'user-1' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND' } });
    const get = await fetch(`${t.url}${CREATE}`);
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const root = await fetch(`${t.url}/`);
    expect(root.status).toBe(404);
    const gateway = await t.gateway('/gateway/verify--card', {});
    expect(gateway.status).toBe(404);
    expect(gateway.body).toMatchObject({ status: 404, client_message: 'Not found' });
    const admin = await t.admin('GET', '/nothing');
    expect(admin.status).toBe(404);
    await expectServing();
  });

  it('answers a crash with 500 INTERNAL_ERROR and keeps serving', async () => {
    const userId = await createUser(t);
    const spy = vi.spyOn(t.sandbox.state, 'user').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      const banking = await t.banking('/api/v4/user/check-verification-request', {
        user_id: userId,
      });
      expect(banking.status).toBe(500);
      expect(banking.body).toEqual({
        status: 'error',
        message: 'internal error',
        error: { code: 'INTERNAL_ERROR', details: {} },
      });
      const admin = await t.admin('GET', `/users/${userId}`);
      expect(admin.status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    const tokens = vi.spyOn(t.sandbox.state.payoutTokens, 'set').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      const gateway = await t.gateway(CHECK, rawCheckToBeneficiary('crash-1'));
      expect(gateway.status).toBe(500);
      expect(gateway.body).toMatchObject({ status: 500, data: {} });
    } finally {
      tokens.mockRestore();
    }
    await expectServing();
    const check = await t.banking('/api/v4/user/check-verification-request', { user_id: userId });
    expect(check.status).toBe(200);
  });

  it('rejects bad admin bodies with the fields named', async () => {
    const faults = await t.admin('PUT', '/faults', { errorRate: 2, latencyMs: -1, typo: true });
    expect(faults.status).toBe(400);
    expect(faults.body).toMatchObject({
      status: 'error',
      error: {
        code: 'VALIDATION_ERROR',
        details: {
          fields: containing([like({ field: 'errorRate' }), like({ field: 'latencyMs' })]),
        },
      },
    });
    const settings = await t.admin('PUT', '/settings', { webhookUrl: 'ftp://example.com/hook' });
    expect(settings.status).toBe(400);
    const malformed = await fetch(`${t.url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"errorRate":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
    const noBody = await t.admin('POST', '/kyc/user-1/decision');
    expect(noBody.status).toBe(400);
  });
});
