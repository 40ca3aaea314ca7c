// The onboarding API on the real stack: dev server, worker with the real workflows and
// activities, the Ingo sandbox over HTTP. The typed client is what calls it, wherever it can.

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  decodeFromPayloadsAtIndex,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OnboardingApiClient } from '../../src/api/client';
import { OnboardingApiError } from '../../src/api/client-errors';
import type { OnboardingListItem, OnboardingView } from '../../src/api/schemas';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { onboardingWorkflowId } from '../../src/contract/ids';
import { FAST, signup, startHarness, type Harness } from '../onboarding/harness';
import { NO_FAULTS } from '../sandbox/helpers';
import { TEST_KEYRING } from '../fixtures/test-keyring';
import {
  API_TOKEN,
  apiSignup,
  closedPort,
  eventually,
  startApiServer,
  type ApiServer,
} from './api-server';

const anyString: unknown = expect.any(String);
const digits = (n: number): unknown => expect.stringMatching(new RegExp(`^\\d{${n}}$`));

async function apiError(promise: Promise<unknown>): Promise<OnboardingApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof OnboardingApiError)) {
    throw new Error(`expected an OnboardingApiError, got ${String(error)}`);
  }
  return error;
}

const fieldsOf = (error: OnboardingApiError) => error.fields.map((issue) => issue.field).sort();

describe('onboarding API', () => {
  let h: Harness;
  let api: ApiServer;
  let client: OnboardingApiClient;
  const servers: ApiServer[] = [];

  const raw = (path: string, init: RequestInit = {}) =>
    fetch(`${api.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${API_TOKEN}`, ...init.headers },
    });
  const view = (signupId: string, check: (view: OnboardingView) => boolean, timeoutMs?: number) =>
    eventually(() => client.get(signupId), check, timeoutMs);

  beforeAll(async () => {
    h = await startHarness('dev-server', { kycDelayMs: 200 });
    api = await startApiServer({
      client: h.env.client,
      taskQueue: h.taskQueue,
      rpcTimeoutMs: 10_000,
      rejectedRequestsPerMinute: 1_000,
    });
    servers.push(api);
    client = api.client;
  });
  afterEach(async () => {
    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await h?.stop();
  });

  it('starts an onboarding (202), reports it while running and after completion, and a repeated start returns it (200)', async () => {
    const request = apiSignup({
      ssnLast4: '2222',
      withBankAccount: true,
      timing: { ...FAST, kycGracePeriod: '1 minute' },
    });
    const started = await client.start(request);
    expect(started).toEqual({
      signupId: request.signupId,
      workflowId: onboardingWorkflowId(request.signupId),
      status: 'in_progress',
      created: true,
    });
    const firstRun = (await h.env.client.workflow.getHandle(started.workflowId).describe()).runId;

    const inReview = await view(request.signupId, (v) => v.kycStatus === 'in_review');
    expect(inReview).toMatchObject({
      status: 'in_progress',
      step: 'kyc',
      ingoUserId: anyString,
      routableAccount: null,
      lastError: null,
      kycSubmissions: 1,
      attempts: { create_user: 1, kyc: 1 },
      detail: 'full',
    });
    expect(inReview.closedAt).toBeUndefined();

    const again = await client.start(request);
    expect(again).toEqual({ ...started, created: false });

    await h.sandbox.admin('POST', `/kyc/${inReview.ingoUserId}/decision`, { status: 'verified' });
    // The workflow reports completed a moment before its execution closes.
    const done = await view(request.signupId, (v) => v.closedAt !== undefined);
    expect(done).toMatchObject({
      signupId: request.signupId,
      status: 'completed',
      step: 'done',
      kycStatus: 'verified',
      ingoUserId: inReview.ingoUserId,
      routableAccount: { id: anyString, routingNumber: digits(9), accountNumberLast4: digits(4) },
      linkedBankAccount: {
        id: anyString,
        routingNumber: '021000021',
        accountNumberLast4: '6789',
      },
      payoutTokens: {},
      closedAt: anyString,
      detail: 'full',
    });

    // Completed: still the same onboarding, no second run, no second Ingo user.
    const third = await raw('/v1/onboardings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(third.status).toBe(200);
    const { created: _created, ...startedBody } = started;
    expect(await third.json()).toEqual({ ...startedBody, status: 'completed' });
    expect((await h.env.client.workflow.getHandle(started.workflowId).describe()).runId).toBe(
      firstRun,
    );
    expect(await h.usersWithEmail(request.applicant.email)).toHaveLength(1);

    // Last four digits only, and nothing personal.
    const body = JSON.stringify(done);
    const user = await h.ingoUser(done.ingoUserId!);
    expect(user.routable_accounts).toHaveLength(1);
    expect(body).not.toContain(request.applicant.ssn);
    expect(body).not.toContain(request.applicant.dateOfBirth);
    expect(body).not.toContain(request.externalBankAccount!.accountNumber);
    expect(body).not.toMatch(/accountNumber"/);
  });

  it('lists onboardings by status through visibility, page by page with an opaque token', async () => {
    const requests = [
      apiSignup({ ssnLast4: '0000', timing: { ...FAST, kycResubmitWindow: '1 hour' } }),
      apiSignup({ ssnLast4: '0000', timing: { ...FAST, kycResubmitWindow: '1 hour' } }),
    ];
    for (const request of requests) await client.start(request);
    const ids = requests.map((r) => r.signupId);

    // Visibility lags behind: page through until both are listed as kyc_failed.
    let pages = 0;
    const listed = await eventually(
      async () => {
        const items: OnboardingListItem[] = [];
        let pageToken: string | undefined;
        pages = 0;
        do {
          const page = await client.list({ status: 'kyc_failed', pageSize: 1, pageToken });
          expect(page.items.length).toBeLessThanOrEqual(1);
          items.push(...page.items);
          pageToken = page.nextPageToken;
          pages += 1;
        } while (pageToken);
        return items;
      },
      (items) => ids.every((id) => items.some((item) => item.signupId === id)),
    );
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(listed.map((item) => item.workflowId)).size).toBe(listed.length);
    for (const item of listed.filter((i) => ids.includes(i.signupId))) {
      expect(item).toEqual({
        signupId: item.signupId,
        workflowId: onboardingWorkflowId(item.signupId),
        status: 'kyc_failed',
        step: 'kyc',
        ingoUserId: anyString,
        kycStatus: 'failed',
        startedAt: anyString,
        closedAt: null,
      });
    }
    const parked = await client.list({ status: 'needs_attention' });
    expect(parked.items.filter((item) => ids.includes(item.signupId))).toEqual([]);

    const bad = await apiError(client.list({ status: 'waiting' as 'completed' }));
    expect(bad).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(fieldsOf(bad)).toEqual(['status']);
    expect(bad.fields[0]!.message).toContain('needs_attention');
    for (const pageSize of [0, 101, 2.5]) {
      expect(fieldsOf(await apiError(client.list({ pageSize })))).toEqual(['pageSize']);
    }
    // Tokens are signed and bound to their listing: a forged or borrowed one is refused at once.
    const { nextPageToken } = await client.list({ status: 'kyc_failed', pageSize: 1 });
    expect(nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
    const tampered = `${nextPageToken!.slice(0, 10)}${nextPageToken![10] === 'A' ? 'B' : 'A'}${nextPageToken!.slice(11)}`;
    for (const pageToken of ['bm90LWEtdG9rZW4', 'not a token!', tampered]) {
      const forged = await apiError(client.list({ status: 'kyc_failed', pageToken }));
      expect(forged).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(fieldsOf(forged)).toEqual(['pageToken']);
    }
    const borrowed = await apiError(client.list({ status: 'completed', pageToken: nextPageToken }));
    expect(fieldsOf(borrowed)).toEqual(['pageToken']);
  });

  it('retries a parked step once the cause is fixed; a retry that does not fit is refused (409)', async () => {
    await h.sandbox.admin('PUT', '/faults', {
      errorRate: 1,
      paths: ['/api/v3/users/bank-accounts/save'],
    });
    const request = apiSignup({ withBankAccount: true, timing: { ...FAST, retryMaxAttempts: 2 } });
    await client.start(request);
    const parked = await view(request.signupId, (v) => v.status === 'needs_attention');
    expect(parked).toMatchObject({
      step: 'link_bank_account',
      routableAccount: { accountNumberLast4: digits(4) },
      lastError: {
        step: 'link_bank_account',
        type: 'IngoServerError',
        code: 'INTERNAL_ERROR',
        at: anyString,
      },
    });
    await eventually(
      () => client.list({ status: 'needs_attention' }),
      (page) => page.items.some((item) => item.signupId === request.signupId),
    );

    const wrongStep = await apiError(client.retry(request.signupId, { step: 'kyc' }));
    expect(wrongStep).toMatchObject({ status: 409, code: 'not_allowed_now' });
    expect(wrongStep.message).toContain('link_bank_account');

    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
    expect(await client.retry(request.signupId, { step: 'link_bank_account' })).toEqual({
      step: 'link_bank_account',
      attempt: 2,
    });
    const done = await view(request.signupId, (v) => v.status === 'completed');
    expect(done.attempts).toMatchObject({ link_bank_account: 2 });
    expect(done.linkedBankAccount).toMatchObject({ accountNumberLast4: '6789' });

    const ended = await apiError(client.retry(request.signupId));
    expect(ended).toMatchObject({ status: 409, code: 'not_allowed_now' });
  });

  it('takes corrected KYC data after a failed review (SSN ...0000) and completes', async () => {
    const request = apiSignup({ ssnLast4: '0000' });
    await client.start(request);
    const failed = await view(request.signupId, (v) => v.resubmitBy !== undefined);
    expect(failed).toMatchObject({
      status: 'kyc_failed',
      kycStatus: 'failed',
      kycReasons: [anyString],
      resubmitBy: anyString,
    });

    const refused = await apiError(client.retry(request.signupId));
    expect(refused).toMatchObject({ status: 409, code: 'not_allowed_now' });

    const response = await raw(`/v1/onboardings/${request.signupId}/resubmit-kyc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ssn: '98-76-54', dateOfBirth: '2199-01-01' }),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain('98-76-54');
    expect(text).not.toContain('2199');
    const invalid = await apiError(
      client.resubmitKyc(request.signupId, { ssn: '98-76-54', dateOfBirth: '2199-01-01' }),
    );
    expect(fieldsOf(invalid)).toEqual(['dateOfBirth', 'ssn']);

    expect(
      await client.resubmitKyc(request.signupId, { ssn: '123454444', dateOfBirth: '1990-04-21' }),
    ).toEqual({ submission: 2 });
    const done = await view(request.signupId, (v) => v.status === 'completed');
    expect(done).toMatchObject({ kycStatus: 'verified', kycSubmissions: 2 });
    expect(done.resubmitBy).toBeUndefined();

    const late = await apiError(
      client.resubmitKyc(request.signupId, { ssn: '123454444', dateOfBirth: '1990-04-21' }),
    );
    expect(late).toMatchObject({ status: 409, code: 'not_allowed_now' });
  });

  it('cancels (202), reports cancelled, refuses a second cancel (409), and the signup may start anew', async () => {
    const request = apiSignup({
      ssnLast4: '2222',
      timing: { ...FAST, kycGracePeriod: '1 minute' },
    });
    await client.start(request);
    const { ingoUserId } = await view(request.signupId, (v) => v.kycStatus === 'in_review');

    const resubmit = await apiError(
      client.resubmitKyc(request.signupId, { ssn: '123454444', dateOfBirth: '1990-04-21' }),
    );
    expect(resubmit).toMatchObject({ status: 409, code: 'not_allowed_now' });

    expect(await client.cancel(request.signupId)).toEqual({ status: 'cancelling' });
    const cancelled = await view(
      request.signupId,
      (v) => v.status === 'cancelled' && v.closedAt !== undefined,
    );
    expect(cancelled).toMatchObject({ closedAt: anyString, detail: 'full' });

    const again = await apiError(client.cancel(request.signupId));
    expect(again).toMatchObject({ status: 409, code: 'already_closed' });
    await eventually(
      () => client.list({ status: 'cancelled' }),
      (page) => page.items.some((item) => item.signupId === request.signupId),
    );

    // A cancelled onboarding may run again: a new run of the same workflow, the same Ingo user.
    const restarted = await client.start({
      ...request,
      applicant: { ...request.applicant, ssn: '123456789' },
    });
    expect(restarted).toMatchObject({ status: 'in_progress', created: true });
    const done = await view(request.signupId, (v) => v.status === 'completed');
    expect(done.ingoUserId).toBe(ingoUserId);
    expect(await h.usersWithEmail(request.applicant.email)).toHaveLength(1);
  });

  it('refuses requests without the right bearer token (401) and throttles a guesser (429)', async () => {
    const path = '/v1/onboardings/whoever';
    const noHeader = await fetch(`${api.url}${path}`);
    expect(noHeader.status).toBe(401);
    expect(noHeader.headers.get('www-authenticate')).toBe('Bearer');
    expect(await noHeader.json()).toEqual({
      error: { code: 'unauthorized', message: anyString },
    });
    const basic = await fetch(`${api.url}${path}`, {
      headers: { authorization: `Basic ${Buffer.from(`x:${API_TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    const wrong = await apiError(
      new OnboardingApiClient({ baseUrl: api.url, token: `${API_TOKEN}x` }).get('whoever'),
    );
    expect(wrong).toMatchObject({ status: 401, code: 'unauthorized' });

    const strict = await startApiServer({
      client: h.env.client,
      taskQueue: h.taskQueue,
      rpcTimeoutMs: 10_000,
      rejectedRequestsPerMinute: 3,
    });
    servers.push(strict);
    const guesser = new OnboardingApiClient({ baseUrl: strict.url, token: 'guess-0000000000' });
    // The token holder's refusals for other reasons (here: unknown signups) never count.
    for (let i = 0; i < 5; i += 1) {
      expect((await apiError(strict.client.get(`unknown-${i}`))).status).toBe(404);
    }
    // Requests in flight are nobody's guess: many at once from the token holder are never throttled.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => apiError(strict.client.get(`unknown-burst-${i}`))),
    );
    expect(burst.map((error) => error.status)).toEqual(Array(20).fill(404));
    for (let i = 0; i < 3; i += 1) {
      expect((await apiError(guesser.get('whoever'))).status).toBe(401);
    }
    const throttled = await apiError(guesser.get('whoever'));
    expect(throttled).toMatchObject({ status: 429, code: 'too_many_rejected_requests' });
    expect(throttled.retryAfter).toBeGreaterThan(0);
    // Then the address is refused outright, the right token included: a guesser must not learn
    // which guess was right.
    expect(await apiError(strict.client.get('unknown-0'))).toMatchObject({ status: 429 });
  });

  it('validates bodies, naming fields (nested, in the API names) and never echoing values', async () => {
    const request = apiSignup({ withBankAccount: true, withPayouts: true });
    const body = {
      ...request,
      signupId: 'no spaces allowed',
      applicant: {
        ...request.applicant,
        ssn: '55-44-33',
        address: { ...request.applicant.address, state: 'QQ' },
      },
      externalBankAccount: { accountNumber: '000123456789', routingNumber: '98765' },
      payoutDestinations: {
        ...request.payoutDestinations,
        billPay: { account: '1234567890', amount: -5 },
      },
      bankAccount: { accountNumber: '000123456789', routingNumber: '021000021' },
    };
    const response = await raw('/v1/onboardings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    for (const value of ['no spaces allowed', '55-44-33', 'QQ', '98765']) {
      expect(text).not.toContain(value);
    }
    const error = await apiError(client.start(body));
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(fieldsOf(error)).toEqual([
      'applicant.address.state',
      'applicant.ssn',
      'bankAccount',
      'externalBankAccount.routingNumber',
      'payoutDestinations.billPay.amount',
      'signupId',
    ]);

    const post = (init: RequestInit) => raw('/v1/onboardings', { method: 'POST', ...init });
    const tooLarge = await post({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...request, padding: 'x'.repeat(70 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: { code: 'body_too_large' } });

    const notJson = await post({ headers: { 'content-type': 'text/plain' }, body: 'signupId=1' });
    expect(notJson.status).toBe(415);
    expect(await notJson.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });

    const malformed = await post({
      headers: { 'content-type': 'application/json' },
      body: '{"signupId": "a", "applicant": {"ssn": "123456789"',
    });
    expect(malformed.status).toBe(400);
    const malformedText = await malformed.text();
    expect(JSON.parse(malformedText)).toMatchObject({ error: { code: 'invalid_json' } });
    expect(malformedText).not.toContain('123456789');

    const badId = await apiError(client.get('bad id'));
    expect(badId).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(fieldsOf(badId)).toEqual(['signupId']);

    const retryBody = await raw('/v1/onboardings/whoever/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ step: 'everything', force: true }),
    });
    expect(retryBody.status).toBe(400);
    expect(
      ((await retryBody.json()) as { error: { fields: { field: string }[] } }).error.fields
        .map((issue) => issue.field)
        .sort(),
    ).toEqual(['force', 'step']);
  });

  it("gives onboardings the deployment's timing where the request names none", async () => {
    const configured = await startApiServer({
      client: h.env.client,
      taskQueue: h.taskQueue,
      rpcTimeoutMs: 10_000,
      rejectedRequestsPerMinute: 1_000,
      timing: { kycGracePeriod: '42 seconds', kycPollInterval: '7 seconds' },
    });
    servers.push(configured);
    const startedInput = async (signupId: string) => {
      const history = await h.env.client.workflow
        .getHandle(onboardingWorkflowId(signupId))
        .fetchHistory();
      const payloads =
        history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
      const converter = loadDataConverter(encryptedDataConverter(TEST_KEYRING));
      return decodeFromPayloadsAtIndex<{ timing: Record<string, unknown> }>(converter, 0, payloads);
    };

    const { timing: _omitted, ...plain } = apiSignup();
    await configured.client.start(plain);
    expect((await startedInput(plain.signupId)).timing).toEqual({
      kycGracePeriod: '42 seconds',
      kycPollInterval: '7 seconds',
    });
    // What a request names wins, field by field.
    const own = apiSignup({ timing: { kycPollInterval: '2 seconds' } });
    await configured.client.start(own);
    expect((await startedInput(own.signupId)).timing).toEqual({
      kycGracePeriod: '42 seconds',
      // The API has checked it and passes it on in milliseconds.
      kycPollInterval: 2_000,
    });
    // Checked as a whole once merged: a maximum below the configured interval names its field.
    const clash = await apiError(
      configured.client.start(apiSignup({ timing: { kycMaxPollInterval: '1 second' } })),
    );
    expect(clash).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(fieldsOf(clash)).toEqual(['timing.kycMaxPollInterval']);
    const unknown = await apiError(
      configured.client.start({
        ...apiSignup(),
        timing: { kycGracePeriod: '1 minute', pollEvery: '1 second' },
      } as Parameters<OnboardingApiClient['start']>[0]),
    );
    expect(fieldsOf(unknown)).toEqual(['timing.pollEvery']);
    for (const { signupId } of [plain, own]) {
      await eventually(
        () => client.get(signupId),
        (found) => found.status === 'completed',
      );
    }
  });

  it('answers 404 for an unknown signup and for a path it does not serve', async () => {
    const unknown = `nobody-${randomUUID()}`;
    for (const call of [
      () => client.get(unknown),
      () => client.retry(unknown),
      () => client.resubmitKyc(unknown, { ssn: '123456789', dateOfBirth: '1990-04-12' }),
      () => client.cancel(unknown),
    ]) {
      expect(await apiError(call())).toMatchObject({ status: 404, code: 'not_found' });
    }
    const nowhere = await raw('/v1/elsewhere');
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('reports a workflow that failed (not an Ingo failure, which parks) as needs_attention', async () => {
    const { signupId } = signup();
    // Past the API's validation, only a direct start can give the workflow input it refuses.
    const handle = await h.env.client.workflow.start('onboarding', {
      taskQueue: h.taskQueue,
      workflowId: onboardingWorkflowId(signupId),
      args: [{ signupId }],
    });
    await expect(handle.result()).rejects.toThrow();
    const failed = await client.get(signupId);
    expect(failed).toMatchObject({
      status: 'needs_attention',
      lastError: { type: 'WorkflowFailed', message: anyString },
      closedAt: anyString,
    });
  });

  describe('without a worker', () => {
    let idle: ApiServer;
    beforeAll(async () => {
      idle = await startApiServer({
        client: h.env.client,
        taskQueue: `nobody-polls-${randomUUID()}`,
        rpcTimeoutMs: 1_500,
        rejectedRequestsPerMinute: 1_000,
      });
      servers.push(idle);
    });

    it('starts, reports the summary Temporal keeps, times out updates (504) instead of hanging', async () => {
      const request = apiSignup();
      expect(await idle.client.start(request)).toMatchObject({ created: true });

      const began = Date.now();
      const summary = await idle.client.get(request.signupId);
      expect(Date.now() - began).toBeLessThan(5_000);
      expect(summary).toEqual({
        signupId: request.signupId,
        workflowId: onboardingWorkflowId(request.signupId),
        status: 'in_progress',
        step: 'create_user',
        kycStatus: 'not_started',
        ingoUserId: null,
        routableAccount: null,
        lastError: null,
        attempts: null,
        kycSubmissions: null,
        startedAt: anyString,
        detail: 'summary',
      });

      const update = await apiError(idle.client.retry(request.signupId));
      expect(update).toMatchObject({ status: 504, code: 'onboarding_not_responding' });
      expect(update.retryAfter).toBeGreaterThan(0);

      // Cancelling is Temporal's: it is accepted without a worker (and carried out by one).
      expect(await idle.client.cancel(request.signupId)).toEqual({ status: 'cancelling' });
      await h.env.client.workflow
        .getHandle(onboardingWorkflowId(request.signupId))
        .terminate('test: no worker will ever run it');
      expect(await idle.client.get(request.signupId)).toMatchObject({
        status: 'cancelled',
        closedAt: anyString,
        detail: 'summary',
      });
    });
  });

  it('answers 503 with Retry-After when Temporal cannot be reached', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}` });
    const down = await startApiServer({
      client: new Client({ connection }),
      taskQueue: h.taskQueue,
      rpcTimeoutMs: 1_000,
      rejectedRequestsPerMinute: 1_000,
    });
    servers.push(down);
    try {
      for (const call of [
        () => down.client.get('anyone'),
        () => down.client.list(),
        () => down.client.start(apiSignup()),
        () => down.client.cancel('anyone'),
      ]) {
        const error = await apiError(call());
        expect(error).toMatchObject({ status: 503, code: 'temporal_unavailable' });
        expect(error.retryAfter).toBeGreaterThan(0);
      }
    } finally {
      await connection.close();
    }
  });
});
