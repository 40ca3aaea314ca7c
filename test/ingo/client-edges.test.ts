import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IngoBankingClient,
  IngoNetworkError,
  IngoPayClient,
  IngoProtocolError,
  IngoRateLimitError,
  IngoServerError,
  IngoValidationError,
} from '../../src/ingo';
import { verifyRequest } from '../../src/ingo/signing';
import { checkToBeneficiary } from '../fixtures/ingo-requests';

/**
 * Answers the sandbox never gives but real Ingo, or a proxy in front of it, may: documented
 * response variants, redirects, HTML error pages, silence. A plain HTTP server plays each one.
 */

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
let handler: Handler = (_req, _body, res) => res.end();
let server: Server;
let origin: string;
const credentials = { username: 'program', secret: 'program-secret' };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function json(res: ServerResponse, status: number, body: unknown, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const banking = (timeoutMs = 2000) =>
  new IngoBankingClient({ baseUrl: `${origin}/api/v4`, credentials, apiKey: 'key', timeoutMs });

describe('Banking client against Ingo variants', () => {
  it('signs exactly the bytes it sends, with the api_key header', async () => {
    let seen: { ok: boolean; apiKey?: string; path?: string } = { ok: false };
    handler = (req, body, res) => {
      seen = {
        ok: verifyRequest({
          method: req.method!,
          path: req.url!,
          headers: req.headers,
          body,
          secretFor: (u) => (u === credentials.username ? credentials.secret : undefined),
        }).ok,
        apiKey: req.headers.api_key as string,
        path: req.url,
      };
      json(res, 200, {
        status: 'success',
        data: {
          items: [{ id: 'user-9', kyc_status: 'not_started' }],
          pagination: { page: 1, per_page: 10, total: 1 },
        },
      });
    };
    const user = await banking().createUser({
      first_name: 'Zoë',
      last_name: 'Ünal',
      email: 'zoe@example.com',
      phone_number: '5555550100',
      address_one: '1 Straße',
      city: 'Austin',
      state: 'TX',
      postal_code: '73301',
      country: 'US',
    });
    expect(seen).toEqual({ ok: true, apiKey: 'key', path: '/api/v4/user/create' });
    expect(user).toMatchObject({ userId: 'user-9', kycStatus: 'not_started' });
  });

  it('sends the v3 bank-account call beside the v4 base', async () => {
    let path: string | undefined;
    handler = (req, _body, res) => {
      path = req.url;
      json(res, 200, {
        status: 'success',
        data: {
          items: [{ id: 'bbac-1', account_number_last_4: '4567', routing_number: '011000015' }],
        },
      });
    };
    await banking().saveBankAccount({
      user_id: 'user-1',
      idempotent_key: 'k',
      first_name: 'A',
      last_name: 'B',
      account_number: '1234567',
      routing_number: '011000015',
    });
    expect(path).toBe('/api/v3/users/bank-accounts/save');
  });

  it('never sends an invalid request, and says which fields without their values', async () => {
    let called = false;
    handler = (_req, _body, res) => {
      called = true;
      res.end();
    };
    const error = await banking()
      .sendVerificationRequest({ user_id: 'user-1', ssn: '12-34', date_of_birth: '1990-02-31' })
      .catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(IngoValidationError);
    expect((error as IngoValidationError).fields).toEqual(['ssn', 'date_of_birth']);
    expect((error as Error).message).not.toMatch(/12-34|1990-02-31/);
  });

  it('reads the error code from error.code, code or error_code', async () => {
    for (const body of [
      { error: { code: 'NOT_FOUND' } },
      { code: 'NOT_FOUND' },
      { error_code: 'NOT_FOUND' },
    ]) {
      handler = (_req, _body, res) =>
        json(res, 404, { status: 'error', message: 'no such user', ...body });
      await expect(banking().checkVerificationRequest({ user_id: 'user-x' })).rejects.toMatchObject(
        {
          name: 'IngoNotFoundError',
          code: 'NOT_FOUND',
          httpStatus: 404,
          ingoMessage: 'no such user',
        },
      );
    }
  });

  it("maps a server VALIDATION_ERROR (the sandbox's shape) with the fields it names", async () => {
    // The client validates with the same schema first, so only a stricter Ingo answers this.
    handler = (_req, _body, res) =>
      json(res, 400, {
        status: 'error',
        message: 'request failed validation',
        error: {
          code: 'VALIDATION_ERROR',
          details: { fields: [{ field: 'postal_code', message: 'must be a 5-digit ZIP' }] },
        },
      });
    const error = await banking()
      .checkVerificationRequest({ user_id: 'u' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngoValidationError);
    expect(error).toMatchObject({
      code: 'VALIDATION_ERROR',
      httpStatus: 400,
      fields: ['postal_code'],
      retryable: false,
    });
  });

  it('classifies by HTTP status when there is no code, e.g. an HTML 502 from a proxy', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    };
    const error = await banking()
      .checkVerificationRequest({ user_id: 'u' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngoServerError);
    expect(error).toMatchObject({ code: 'HTTP_502', retryable: true });
  });

  it('honours Retry-After on 429', async () => {
    handler = (_req, _body, res) =>
      json(res, 429, { status: 'error', error: { code: 'RATE_LIMITED' } }, { 'retry-after': '7' });
    const error = await banking()
      .checkVerificationRequest({ user_id: 'u' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngoRateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 7000, retryable: true });
  });

  it('does not follow redirects', async () => {
    let hits = 0;
    handler = (_req, _body, res) => {
      hits += 1;
      res.writeHead(307, { location: `${origin}/elsewhere` });
      res.end();
    };
    const error = await banking()
      .checkVerificationRequest({ user_id: 'u' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngoProtocolError);
    expect(error).toMatchObject({ code: 'REDIRECT_NOT_FOLLOWED', httpStatus: 307 });
    expect(hits).toBe(1);
  });

  it('names the field when a success answer has an unknown shape', async () => {
    handler = (_req, _body, res) =>
      json(res, 200, { status: 'success', data: { user_id: 'u', kyc_status: 'pending_docs' } });
    await expect(banking().checkVerificationRequest({ user_id: 'u' })).rejects.toMatchObject({
      name: 'IngoProtocolError',
      code: 'RESPONSE_INVALID',
      fields: ['kyc_status'],
    });
  });

  it('times out a silent server, saying the call may have been carried out', async () => {
    handler = () => undefined;
    const error = await banking(150)
      .checkVerificationRequest({ user_id: 'u' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngoNetworkError);
    expect(error).toMatchObject({ code: 'TIMEOUT', maybeCommitted: true, retryable: true });
  });

  it('knows a refused connection carried nothing out', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = new IngoBankingClient({
      baseUrl: `http://127.0.0.1:${port}/api/v4`,
      credentials,
      apiKey: 'k',
      timeoutMs: 1000,
    });
    await expect(client.checkVerificationRequest({ user_id: 'u' })).rejects.toMatchObject({
      name: 'IngoNetworkError',
      code: 'ECONNREFUSED',
      maybeCommitted: false,
    });
  });

  it('passes a caller abort through untouched', async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = banking().checkVerificationRequest({ user_id: 'u' }, controller.signal);
    controller.abort(new Error('activity cancelled'));
    await expect(pending).rejects.toThrow('activity cancelled');
  });
});

describe('IngoPay client against gateway variants', () => {
  const pay = () =>
    new IngoPayClient({ baseUrl: origin, credentials, participantId: 4242, timeoutMs: 2000 });

  it('fills participant_id, timestamp, version and account_type', async () => {
    let sent: Record<string, unknown> = {};
    handler = (_req, body, res) => {
      sent = JSON.parse(body.toString()) as Record<string, unknown>;
      json(res, 200, {
        status: 101,
        client_message: 'Duplicate',
        data: { customer_account_token: 't', last_4: '0038' },
      });
    };
    const token = await pay().verifyCheck(checkToBeneficiary('onb-1-check'));
    expect(sent).toMatchObject({ participant_id: 4242, version: 11, account_type: 'CK' });
    expect(Math.abs((sent.timestamp as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(token).toMatchObject({ customerAccountToken: 't', replay: true, ingoPayStatus: 101 });
  });

  it('treats an HTTP 503 like a gateway system fault: retryable', async () => {
    handler = (_req, _body, res) => json(res, 503, { message: 'maintenance' });
    await expect(pay().searchBillers({ account: '12345678' })).rejects.toMatchObject({
      name: 'IngoServerError',
      retryable: true,
    });
  });

  it('refuses a 200 without an IngoPay envelope', async () => {
    handler = (_req, _body, res) => json(res, 200, { ok: true });
    await expect(pay().searchBillers({ account: '12345678' })).rejects.toMatchObject({
      name: 'IngoProtocolError',
    });
  });

  it('maps the documented statuses the client itself never provokes: 400, 401, 402', async () => {
    const cases: [number, string, string][] = [
      [400, 'IngoValidationError', 'MISSING_PARAMETER'],
      [401, 'IngoValidationError', 'INVALID_PARAMETER'],
      [402, 'IngoAuthError', 'TIMESTAMP_SKEW'],
    ];
    for (const [status, name, code] of cases) {
      handler = (_req, _body, res) =>
        json(res, 200, {
          status,
          client_message: 'Rejected',
          data: { fields: [{ field: 'account', message: 'x' }] },
        });
      await expect(pay().searchBillers({ account: '12345678' })).rejects.toMatchObject({
        name,
        code,
        ingoPayStatus: status,
        fields: ['account'],
        retryable: false,
      });
    }
  });

  it('maps an unknown non-success status to a non-retryable decline with the number', async () => {
    handler = (_req, _body, res) =>
      json(res, 200, { status: 888, client_message: 'Odd', data: {} });
    await expect(pay().searchBillers({ account: '12345678' })).rejects.toMatchObject({
      name: 'IngoDeclinedError',
      code: 'STATUS_888',
      ingoPayStatus: 888,
      retryable: false,
    });
  });
});
