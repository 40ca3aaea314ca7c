import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import type { EnsureIngoUserInput } from '../../src/activities/ingo-user';
import { RETRYABLE_INGO_ERRORS } from '../../src/ingo';
import { NO_FAULTS, sleep } from '../sandbox/helpers';
import {
  adminUser,
  failureOf,
  freshOnboarding,
  PATHS,
  runActivity,
  useActivityBed,
  usersWithEmail,
  verifiedUser,
  quietSdkLogger,
  type ActivityBed,
} from './helpers';

/**
 * Ingo's rate limiting (429 + Retry-After) as Temporal sees it, and what becomes of a call that
 * never reached Ingo or was cancelled by Temporal.
 */

const { listUsers: LIST, submitKyc: SEND, checkKyc: CHECK, issueAccount: ISSUE } = PATHS;

let bed: ActivityBed;
useActivityBed((started) => (bed = started));

/** Rate-limits `path` and returns the delay the sandbox's own `Retry-After` asks for, in ms. */
async function rateLimit(path: string): Promise<number> {
  await bed.t.admin('PUT', '/faults', { rateLimitRate: 1, paths: [path] });
  const raw = await bed.t.banking(path, {});
  expect(raw.status).toBe(429);
  const retryAfter = raw.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  return Number(retryAfter) * 1000;
}

function expectRateLimited(failure: ApplicationFailure, operation: string, delayMs: number) {
  expect(failure.type).toBe('IngoRateLimitError');
  expect(failure.nonRetryable).toBe(false);
  expect(RETRYABLE_INGO_ERRORS).toContain(failure.type);
  expect(failure.nextRetryDelay).toBe(delayMs);
  expect(failure.details).toEqual([
    expect.objectContaining({ operation, code: 'RATE_LIMITED', httpStatus: 429 }),
  ]);
}

describe('rate limiting', () => {
  it('ensureIngoUser: IngoRateLimitError whose next retry waits for Retry-After', async () => {
    const delayMs = await rateLimit(LIST);
    expect(delayMs).toBe(1_000); // docs/SANDBOX.md: Retry-After: 1
    const input = freshOnboarding('rate-limited');
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('ensureIngoUser', input));

    expectRateLimited(failure, 'user/get-all', delayMs);
    expect((await bed.t.stats()).usersCreated).toBe(before.usersCreated);
    await bed.t.admin('PUT', '/faults', NO_FAULTS);
    expect(await usersWithEmail(bed.t, input.applicant.email)).toEqual([]);
  });

  it('submitKyc: a 429 is passed on, not taken for an already-decided review', async () => {
    const { ingoUserId } = await bed.run('ensureIngoUser', freshOnboarding('rate-kyc'));
    const delayMs = await rateLimit(SEND);

    const failure = await failureOf(
      bed.run('submitKyc', {
        ingoUserId,
        ssn: '123456789',
        dateOfBirth: '1990-04-12',
      }),
    );

    expectRateLimited(failure, 'user/send-verification-request', delayMs);
    expect((await adminUser(bed.t, ingoUserId)).kyc_status).toBe('not_started');
  });

  it('checkKyc: IngoRateLimitError with the delay', async () => {
    const { ingoUserId } = await bed.run('ensureIngoUser', freshOnboarding('rate-check'));
    const delayMs = await rateLimit(CHECK);

    const failure = await failureOf(bed.run('checkKyc', { ingoUserId }));

    expectRateLimited(failure, 'user/check-verification-request', delayMs);
  });

  it('issueRoutableAccount: a 429 did nothing, so it stays retryable (not an unknown outcome)', async () => {
    const ingoUserId = await verifiedUser(bed.t, freshOnboarding('rate-issue').applicant.email);
    const delayMs = await rateLimit(ISSUE);
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('issueRoutableAccount', { ingoUserId }));

    expectRateLimited(failure, 'business/routable-bank-accounts/issue', delayMs);
    expect((await bed.t.stats()).accountsIssued).toBe(before.accountsIssued);
    expect((await adminUser(bed.t, ingoUserId)).routable_accounts).toEqual([]);
  });
});

describe('transport', () => {
  it('a refused connection never reached Ingo: issueRoutableAccount stays retryable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const nowhere = bed.activitiesWith({ url: `http://127.0.0.1:${port}` });

    const failure = await failureOf(
      runActivity(nowhere, 'issueRoutableAccount', { ingoUserId: 'user-anyone' }),
    );

    expect(failure.type).toBe('IngoNetworkError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.details).toEqual([
      expect.objectContaining({
        operation: 'business/routable-bank-accounts/issue',
        code: 'ECONNREFUSED',
      }),
    ]);
  });

  it('cancelling the activity aborts the Ingo call in flight', async () => {
    await bed.t.admin('PUT', '/faults', { latencyMs: 5_000, paths: [LIST] });
    const env = new MockActivityEnvironment(
      { activityType: 'ensureIngoUser' },
      { logger: quietSdkLogger },
    );
    const running = env.run(
      (input: EnsureIngoUserInput) => bed.activities.ensureIngoUser(input),
      freshOnboarding('cancelled'),
    );
    const outcome = running.then(
      () => 'completed',
      (error: unknown) => error,
    );
    await sleep(50);
    const cancelledAt = Date.now();

    env.cancel();
    const error = await outcome;

    // Temporal's own cancellation, not an Ingo failure a retry policy would classify.
    expect(error).toBeInstanceOf(CancelledFailure);
    expect(error).not.toBeInstanceOf(ApplicationFailure);
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
  });
});
