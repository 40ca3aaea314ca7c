import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyString, JANE, startSandbox, type TestSandbox } from './helpers';

/** Signature and api_key enforcement (INGO-API.md section 1), on the Banking Platform. */

const CREATE = '/api/v4/user/create';

describe('sandbox authentication', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startSandbox();
  });
  afterAll(async () => {
    await t.close();
  });

  async function expectUnauthorized(
    reply: Promise<{ status: number; body: unknown }>,
    reason: string,
  ) {
    const { status, body } = await reply;
    expect(status).toBe(401);
    expect(body).toEqual({
      status: 'error',
      message: anyString,
      error: { code: 'UNAUTHORIZED', details: { reason } },
    });
  }

  it('accepts a correctly signed call', async () => {
    expect((await t.banking(CREATE, JANE)).status).toBe(200);
  });

  it('rejects a signature made with the wrong secret', async () => {
    await expectUnauthorized(t.banking(CREATE, JANE, { secret: 'wrong' }), 'signature_mismatch');
  });

  it('rejects an unknown HMAC username', async () => {
    await expectUnauthorized(t.banking(CREATE, JANE, { username: 'intruder' }), 'unknown_username');
  });

  it('rejects an X-Date 301 s off in either direction, accepts 299 s', async () => {
    for (const offset of [-301_000, 301_000]) {
      await expectUnauthorized(
        t.banking(CREATE, JANE, { date: new Date(Date.now() + offset) }),
        'date_skew',
      );
    }
    expect((await t.banking(CREATE, JANE, { date: new Date(Date.now() - 299_000) })).status).toBe(
      200,
    );
  });

  it('rejects a wrong or missing api_key even with a valid signature', async () => {
    await expectUnauthorized(t.banking(CREATE, JANE, { apiKey: 'wrong-key' }), 'invalid_api_key');
    await expectUnauthorized(t.banking(CREATE, JANE, { apiKey: null }), 'missing_api_key');
    await expectUnauthorized(
      t.banking(CREATE, { ...JANE, api_key: 'wrong-key' }, { apiKey: null }),
      'invalid_api_key',
    );
  });

  it('prefers the api_key header: a right body field does not rescue a wrong header', async () => {
    await expectUnauthorized(
      t.banking(CREATE, { ...JANE, api_key: t.sandbox.options.apiKey }, { apiKey: 'wrong-key' }),
      'invalid_api_key',
    );
  });

  it('rejects algorithms other than hmac-sha512', async () => {
    for (const algorithm of ['hmac-sha1', 'hmac-md5', 'hmac-sha256']) {
      await expectUnauthorized(
        t.banking(CREATE, JANE, {
          authorization: (signed) =>
            signed.replace('algorithm="hmac-sha512"', `algorithm="${algorithm}"`),
        }),
        'unsupported_algorithm',
      );
    }
  });

  it('rejects a missing Authorization header and a body that does not match its digest', async () => {
    await expectUnauthorized(
      t.banking(CREATE, JANE, { authorization: () => '' }),
      'missing_authorization',
    );
    await expectUnauthorized(
      t.banking(CREATE, JANE, {
        headers: { 'Content-SHA512': Buffer.alloc(64).toString('base64') },
      }),
      'content_sha512_mismatch',
    );
  });

  it('rejects a request signed for another path or query', async () => {
    await expectUnauthorized(
      t.banking(CREATE, JANE, { signedPath: '/api/v4/user/get-all' }),
      'signature_mismatch',
    );
    await expectUnauthorized(
      t.banking(`${CREATE}?x=1`, JANE, { signedPath: CREATE }),
      'signature_mismatch',
    );
  });

  it('does not create anything for a refused call', async () => {
    const before = (await t.stats()).usersCreated;
    await t.banking(CREATE, JANE, { secret: 'wrong' });
    expect((await t.stats()).usersCreated).toBe(before);
  });
});
