import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingoPayCommon, rawCheckToBeneficiary } from '../fixtures/ingo-requests';
import { NO_FAULT_COUNTS, type FaultCounts } from '../../dev/sandbox/faults';
import {
  anyString,
  createUser,
  JANE,
  NO_FAULTS,
  sleep,
  startSandbox,
  submitKyc,
  until,
  type TestSandbox,
} from './helpers';

/** Injected request faults (INGO-API.md section 5), set through the admin API. */

const CREATE = '/api/v4/user/create';
const LIST = '/api/v4/user/get-all';
const SEARCH = '/gateway/v1/biller/search';
const CHECK = '/gateway/verify--check';

const searchBody = () => ({ ...ingoPayCommon(), account: '12345678' });

describe('sandbox request faults', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startSandbox();
  });
  afterEach(async () => {
    await t.admin('PUT', '/faults', NO_FAULTS);
  });
  afterAll(async () => {
    await t.close();
  });

  it('PUT /_sandbox/faults merges the fields given and returns the current faults', async () => {
    const first = await t.admin('PUT', '/faults', { errorRate: 0.5 });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ ...NO_FAULTS, errorRate: 0.5 });
    const second = await t.admin('PUT', '/faults', { latencyMs: 10, paths: [CREATE] });
    expect(second.body).toEqual({ ...NO_FAULTS, errorRate: 0.5, latencyMs: 10, paths: [CREATE] });
    expect((await t.admin('GET', '/faults')).body).toEqual(second.body);
  });

  it('errorRate 1: a transient 5xx before anything is done', async () => {
    await t.admin('PUT', '/faults', { errorRate: 1 });
    const before = (await t.stats()).usersCreated;
    const banking = await t.banking(CREATE, JANE);
    expect(banking.status).toBe(503);
    expect(banking.headers.get('retry-after')).toBe('1');
    expect(banking.body.error.code).toBe('INTERNAL_ERROR');
    expect((await t.stats()).usersCreated).toBe(before);

    const gateway = await t.gateway(SEARCH, searchBody());
    expect(gateway.status).toBe(200);
    expect(gateway.body).toMatchObject({
      status: 500,
      client_message: 'System error, please retry',
    });
  });

  it('faults apply only after authentication', async () => {
    await t.admin('PUT', '/faults', { errorRate: 1 });
    const reply = await t.banking(CREATE, JANE, { secret: 'wrong' });
    expect(reply.status).toBe(401);
  });

  it('rateLimitRate 1: 429 RATE_LIMITED with Retry-After on Banking', async () => {
    await t.admin('PUT', '/faults', { rateLimitRate: 1 });
    const reply = await t.banking(LIST, {});
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('1');
    expect(reply.body.error.code).toBe('RATE_LIMITED');
    expect((await t.gateway(SEARCH, searchBody())).body.status).toBe(100);
  });

  it('lostResponseRate 1 on user/create: the user is created, the answer never arrives', async () => {
    await t.admin('PUT', '/faults', { lostResponseRate: 1, paths: [CREATE] });
    const before = await t.stats();
    const email = 'lost.response@example.com';
    await expect(t.banking(CREATE, { ...JANE, email })).rejects.toThrow();
    const after = await t.stats();
    expect(after.usersCreated).toBe(before.usersCreated + 1);
    expect(after.calls[CREATE]).toBe((before.calls[CREATE] ?? 0) + 1);

    // The look-up the orchestrator makes before retrying finds it.
    const found = await t.banking(LIST, { email });
    expect(found.status).toBe(200);
    expect(found.body.data.pagination).toMatchObject({ total: 1 });
  });

  it('lostResponseRate 1 on verify--check: a retry with the same id replays the token (101)', async () => {
    await t.admin('PUT', '/faults', { lostResponseRate: 1, paths: [CHECK] });
    const before = (await t.stats()).tokensIssued;
    await expect(t.gateway(CHECK, rawCheckToBeneficiary('lost-check-1'))).rejects.toThrow();
    await t.admin('PUT', '/faults', { lostResponseRate: 0 });
    const retry = await t.gateway(CHECK, rawCheckToBeneficiary('lost-check-1'));
    expect(retry.body.status).toBe(101);
    expect(retry.body.data.customer_account_token).toEqual(anyString);
    expect((await t.stats()).tokensIssued).toBe(before + 1);
  });

  it('scopes faults to exact paths and to path prefixes', async () => {
    await t.admin('PUT', '/faults', { errorRate: 1, paths: [CREATE] });
    expect((await t.banking(CREATE, JANE)).status).toBe(503);
    expect((await t.banking(LIST, {})).status).toBe(200);
    expect((await t.gateway(SEARCH, searchBody())).body.status).toBe(100);

    await t.admin('PUT', '/faults', { paths: ['/gateway/*'] });
    expect((await t.banking(CREATE, JANE)).status).toBe(200);
    expect((await t.gateway(SEARCH, searchBody())).body.status).toBe(500);
    expect((await t.gateway(CHECK, rawCheckToBeneficiary('scoped-1'))).body.status).toBe(500);
  });

  it('latencyMs delays the answer', async () => {
    await t.admin('PUT', '/faults', { latencyMs: 120, paths: [LIST, SEARCH] });
    const started = Date.now();
    expect((await t.banking(LIST, {})).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    const gateway = await t.gateway(SEARCH, searchBody());
    expect(Number(gateway.body.time)).toBeGreaterThanOrEqual(0.11);
    const unscoped = Date.now();
    await t.banking(CREATE, JANE);
    expect(Date.now() - unscoped).toBeLessThan(100);
  });

  it('closing the sandbox cuts injected latency short', async () => {
    const slow = await startSandbox({ faults: { latencyMs: 10_000 } });
    const pending = slow.banking(LIST, {});
    await sleep(50);
    const started = Date.now();
    await slow.close();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('sandbox fault counters (GET /_sandbox/stats `faults`)', () => {
  let t: TestSandbox;
  const counts = async () => ((await t.stats()) as unknown as { faults: FaultCounts }).faults;

  beforeAll(async () => {
    t = await startSandbox();
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts each request fault where it strikes, and nothing out of scope', async () => {
    expect(await counts()).toEqual(NO_FAULT_COUNTS);
    await t.admin('PUT', '/faults', { errorRate: 1, paths: [CREATE] });
    expect((await t.banking(CREATE, JANE)).status).toBe(503);
    expect((await t.banking(LIST, {})).status).toBe(200);
    await t.admin('PUT', '/faults', { errorRate: 0, rateLimitRate: 1, paths: [LIST] });
    expect((await t.banking(LIST, {})).status).toBe(429);
    await t.admin('PUT', '/faults', { rateLimitRate: 0, lostResponseRate: 1 });
    await expect(t.banking(LIST, {})).rejects.toThrow();
    await t.admin('PUT', '/faults', { lostResponseRate: 0, latencyMs: 5, paths: [LIST, SEARCH] });
    await t.banking(LIST, {});
    await t.gateway(SEARCH, searchBody());
    await t.banking(CREATE, JANE);
    await t.admin('PUT', '/faults', NO_FAULTS);

    expect(await counts()).toMatchObject({
      errors: 1,
      rateLimits: 1,
      lostResponses: 1,
      delayedCalls: 2,
    });
  });

  it('counts dropped, duplicated and reordered webhook deliveries; reset zeroes them', async () => {
    await t.admin('PUT', '/faults', { dropWebhookRate: 1 });
    await submitKyc(t, await createUser(t), '123456789');
    await until(async () => (await counts()).droppedWebhooks === 1, 5_000);

    await t.admin('PUT', '/faults', {
      dropWebhookRate: 0,
      duplicateWebhookRate: 1,
      reorderWebhooks: true,
    });
    await submitKyc(t, await createUser(t), '123456789');
    // One extra delivery of the one event; both copies wait their random delay first.
    await until(async () => (await counts()).duplicatedWebhooks === 1, 5_000);
    expect(await counts()).toMatchObject({ droppedWebhooks: 1, reorderedWebhooks: 2 });

    await t.admin('POST', '/reset');
    expect(Object.values(await counts()).every((count) => count === 0)).toBe(true);
  });
});
