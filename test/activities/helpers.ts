import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createActivities, type OnboardingActivities } from '../../src/activities';
import type { ApplicantProfile } from '../../src/activities/ingo-user';
import type { TokenizeBillPayInput } from '../../src/activities/payouts';
import { config } from '../../src/config';
import { createIngoClients } from '../../src/ingo';
import type { SandboxOverrides } from '../../dev/sandbox/options';
import { applicantRequest } from '../fixtures/ingo-requests';
import { NO_FAULTS, startSandbox, until, type TestSandbox } from '../sandbox/helpers';

/**
 * The activities as the worker builds them (real clients over HTTP to the in-process Ingo
 * sandbox), each call run in Temporal's `MockActivityEnvironment`, which gives it a real activity
 * Context (info, cancellation signal). Nothing of Ingo is mocked: the only addition is `sent`, a log
 * of the request bodies the clients put on the wire, kept by a pass-through fetch.
 */

export interface SentRequest {
  path: string;
  body: Record<string, unknown>;
}

export interface ActivityBed {
  t: TestSandbox;
  activities: OnboardingActivities;
  /** Every request body sent to the sandbox, in order. */
  sent: SentRequest[];
  /** Runs one of `activities` in its own activity Context (see `runActivity`). */
  run<N extends ActivityName>(name: N, ...args: ArgsOf<N>): Promise<ResultOf<N>>;
  /** As `run`, as Temporal's retry of a failed attempt (attempt 2). */
  retry<N extends ActivityName>(name: N, ...args: ArgsOf<N>): Promise<ResultOf<N>>;
  /** The same activities with other client settings (a shorter timeout, another URL). */
  activitiesWith(ingo: { timeoutMs?: number; url?: string }): OnboardingActivities;
  close(): Promise<void>;
}

/** The SDK warns on every failed activity; the failures are what these tests assert on. */
export const quietSdkLogger = new DefaultLogger('ERROR');

const silent = pino({ level: 'silent' });

export async function startActivityBed(overrides: SandboxOverrides = {}): Promise<ActivityBed> {
  const t = await startSandbox(overrides);
  const sent: SentRequest[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const raw = init?.body;
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
    sent.push({ path: url.pathname, body: JSON.parse(text || '{}') as Record<string, unknown> });
    return fetch(input, init);
  };
  const build = ({ timeoutMs = 2_000, url = t.url }: { timeoutMs?: number; url?: string }) =>
    createActivities({
      ...createIngoClients(
        { ...config().ingo, bankingBaseUrl: `${url}/api/v4`, payBaseUrl: url, timeoutMs },
        recordingFetch,
      ),
      logger: silent,
    });
  const activities = build({});
  return {
    t,
    activities,
    run: (name, ...args) => runActivity(activities, name, ...args),
    retry: (name, ...args) => runActivityAttempt(activities, name, 2, ...args),
    sent,
    activitiesWith: build,
    close: () => t.close(),
  };
}

/**
 * Registers the hooks of a test file's (or describe block's) activity bed, where it is called:
 * one sandbox for all its tests, as starting one per test would be slow, handed to `onStart` once
 * up; faults switched off after each test, so that none leaks into the next; closed after the last.
 */
export function useActivityBed(
  onStart: (bed: ActivityBed) => void,
  overrides: SandboxOverrides = {},
): void {
  let bed: ActivityBed | undefined;
  beforeAll(async () => {
    bed = await startActivityBed(overrides);
    onStart(bed);
  });
  afterEach(async () => {
    await bed?.t.admin('PUT', '/faults', NO_FAULTS);
  });
  afterAll(async () => {
    await bed?.close();
  });
}

/** The sandbox paths the tests put faults on or count calls to. */
export const PATHS = {
  createUser: '/api/v4/user/create',
  listUsers: '/api/v4/user/get-all',
  submitKyc: '/api/v4/user/send-verification-request',
  checkKyc: '/api/v4/user/check-verification-request',
  issueAccount: '/api/v4/business/routable-bank-accounts/issue',
  saveBankAccount: '/api/v3/users/bank-accounts/save',
} as const;

export type ActivityName = keyof OnboardingActivities;
type ArgsOf<N extends ActivityName> = Parameters<OnboardingActivities[N]>;
type ResultOf<N extends ActivityName> = Awaited<ReturnType<OnboardingActivities[N]>>;

/**
 * Runs one activity call in a fresh activity Context (`activityType` = its name), as the worker
 * runs one attempt. By name, so the activity is called as the worker calls it: unbound, no `this`.
 */
export function runActivity<N extends ActivityName>(
  activities: OnboardingActivities,
  name: N,
  ...args: ArgsOf<N>
): Promise<ResultOf<N>> {
  return runActivityAttempt(activities, name, 1, ...args);
}

export function runActivityAttempt<N extends ActivityName>(
  activities: OnboardingActivities,
  name: N,
  attempt: number,
  ...args: ArgsOf<N>
): Promise<ResultOf<N>> {
  const table = activities as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const activity = (...a: unknown[]) => table[name]!(...a) as Promise<ResultOf<N>>;
  return new MockActivityEnvironment(
    { activityType: name, attempt },
    { logger: quietSdkLogger },
  ).run(activity, ...args);
}

/** The ApplicationFailure an activity call ended with; fails the test if it succeeded. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }
  throw new Error(`expected an ApplicationFailure, got ${JSON.stringify(outcome)}`);
}

/** Network error codes meaning the request never left (src/ingo/signed-transport.ts). */
export const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH'];

/** The applicant's name and address, shared by every onboarding (and bill account holder) here. */
export const JANE_DOE: TokenizeBillPayInput['holder'] = {
  firstName: 'Jane',
  lastName: 'Doe',
  address: {
    line1: '1 Main Street',
    city: 'Newark',
    state: 'NJ',
    postalCode: '07102',
    country: 'US',
  },
};

const runId = randomUUID().slice(0, 8);
let serial = 0;

/** A fresh onboarding id and an applicant whose email no other test uses. */
export function freshOnboarding(prefix: string): {
  onboardingId: string;
  applicant: ApplicantProfile;
} {
  serial += 1;
  const onboardingId = `onboarding-act-${prefix}-${runId}-${serial}`;
  return {
    onboardingId,
    applicant: {
      ...JANE_DOE,
      email: `jane.doe+${prefix}-${runId}-${serial}@example.com`,
      phoneNumber: '2015550123',
    },
  };
}

/** The user as the sandbox holds it (admin API: SSN last four only, account numbers masked). */
export interface AdminUser {
  id: string;
  email: string;
  kyc_status: string;
  ssn_last_four: string | null;
  meta_data: { name: string; value: string }[];
  routable_accounts: { id: string; account_number_last_4: string; routing_number: string }[];
  bank_accounts: {
    id: string;
    account_number_last_4: string;
    routing_number: string;
    bank_name: string;
  }[];
}

export async function adminUser(t: TestSandbox, userId: string): Promise<AdminUser> {
  const reply = await t.admin<AdminUser>('GET', `/users/${userId}`);
  if (reply.status !== 200) throw new Error(`sandbox has no user ${userId}: ${reply.status}`);
  return reply.body;
}

/** Every user the sandbox has with this email, through the signed Banking API. */
export async function usersWithEmail(
  t: TestSandbox,
  email: string,
): Promise<{ id: string; meta_data: { name: string; value: string }[] }[]> {
  const reply = await t.banking(PATHS.listUsers, { email, per_page: 500 });
  if (reply.status !== 200) throw new Error(`get-all failed: ${JSON.stringify(reply.body)}`);
  return (
    reply.body.data as { items: { id: string; meta_data: { name: string; value: string }[] }[] }
  ).items;
}

/**
 * A user made straight at the sandbox (seed 000's applicant under `email`, no SSN or date of
 * birth), not through the activity: as another system (or another onboarding) would.
 */
export async function createDirectly(
  t: TestSandbox,
  email: string,
  metaData?: { name: string; value: string }[],
): Promise<string> {
  const reply = await t.banking(
    PATHS.createUser,
    applicantRequest({ email, ...(metaData ? { meta_data: metaData } : {}) }),
  );
  expect(reply.status).toBe(200);
  return reply.body.data.user_id as string;
}

/** A user created straight at the sandbox (not through the activity), KYC passed. */
export async function verifiedUser(t: TestSandbox, email: string): Promise<string> {
  const userId = await createDirectly(t, email);
  await t.banking(PATHS.submitKyc, {
    user_id: userId,
    ssn: '123456789',
    date_of_birth: '1990-04-12',
  });
  await until(async () => (await adminUser(t, userId)).kyc_status === 'verified');
  return userId;
}
