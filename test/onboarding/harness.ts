import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { config } from '../../src/config';
import { temporalCliPath, temporalTestServerPath } from '../../dev/temporal/binaries';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { startOnboarding, type OnboardingHandle } from '../../src/temporal/start-onboarding';
import { kycWorkflowId } from '../../src/contract/ids';
import { statusQuery } from '../../src/contract/messages';
import type { OnboardingStatusView } from '../../src/contract/onboarding-view';
import type { OnboardingRequest } from '../../src/contract/onboarding-input';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { createOnboardingWorker } from '../../src/worker';
import type { SandboxOverrides } from '../../dev/sandbox/options';
import { startSandbox, until, type TestSandbox } from '../sandbox/helpers';
import { TEST_KEYRING } from '../fixtures/test-keyring';
import { installQuietRuntime } from '../temporal/helpers';
import { startReceiverServer } from '../webhooks/helpers';

/**
 * The real parts, wired as in production: a Temporal server (time-skipping or dev server), the
 * production worker (real workflows and activities, payloads encrypted with the test keyring), the Ingo sandbox over HTTP, and the real webhook
 * receiver, to which the sandbox delivers its signed KYC webhooks.
 */

export type { OnboardingHandle };

export interface Harness {
  env: TestWorkflowEnvironment;
  sandbox: TestSandbox;
  taskQueue: string;
  /** The webhook receiver's `…/webhooks/ingo`, where the sandbox delivers. */
  webhookUrl: string;
  start(request: OnboardingRequest): Promise<OnboardingHandle>;
  status(handle: OnboardingHandle): Promise<OnboardingStatusView>;
  /** Waits (in real time) until the onboarding's status satisfies `check`. */
  waitFor(
    handle: OnboardingHandle,
    check: (status: OnboardingStatusView) => boolean,
    timeoutMs?: number,
  ): Promise<OnboardingStatusView>;
  /** The user as the sandbox holds it, accounts included (admin API). */
  ingoUser(userId: string): Promise<SandboxUserView>;
  /** Every Ingo user with this email, through the signed Banking API. */
  usersWithEmail(
    email: string,
  ): Promise<{ id: string; meta_data: { name: string; value: string }[] }[]>;
  /**
   * With RECORD_HISTORIES=1, saves a finished onboarding's history (and its KYC review's) under
   * test/onboarding/histories as `<name>--<workflowId>.json`, for replay.test.ts: a replay runs
   * under the original workflow id, which the onboarding checks against its signup id.
   */
  record(name: string, handle: OnboardingHandle, ingoUserId?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxUserView {
  id: string;
  kyc_status: string;
  meta_data: { name: string; value: string }[];
  routable_accounts: { id: string; account_number_last_4: string }[];
  bank_accounts: { id: string; account_number_last_4: string }[];
}

const silent = pino({ level: 'silent' });

export const HISTORIES = path.join(__dirname, 'histories');

export async function startHarness(
  kind: 'time-skipping' | 'dev-server',
  sandboxOverrides: SandboxOverrides = {},
): Promise<Harness> {
  installQuietRuntime();
  // Stopped in reverse order, also when starting fails halfway: no server outlives the suite.
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new AggregateError(errors, 'stopping the test harness failed');
  };
  try {
    const dataConverter = encryptedDataConverter(TEST_KEYRING);
    const env =
      kind === 'time-skipping'
        ? await TestWorkflowEnvironment.createTimeSkipping({
            server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
            client: { dataConverter },
          })
        : await TestWorkflowEnvironment.createLocal({
            server: {
              executable: { type: 'existing-path', path: temporalCliPath() },
              searchAttributes: [...SEARCH_ATTRIBUTES],
            },
            client: { dataConverter },
          });
    stops.push(() => env.teardown());
    if (kind === 'time-skipping') await registerSearchAttributes(env.connection, 'default');

    const { ingo, temporal, api } = config();
    const receiver = await startReceiverServer({
      client: env.client,
      webhookSecret: ingo.webhookSecret,
      logger: silent,
      rpcTimeoutMs: temporal.rpcTimeoutMs,
      rejectedRequestsPerMinute: api.rejectedRequestsPerMinute,
    });
    stops.push(() => receiver.close());
    const sandbox = await startSandbox({
      webhookUrl: receiver.webhookUrl,
      webhookSecret: ingo.webhookSecret,
      ...sandboxOverrides,
    });
    stops.push(() => sandbox.close());
    const sandboxIngo = {
      ...ingo,
      bankingBaseUrl: `${sandbox.url}/api/v4`,
      payBaseUrl: sandbox.url,
      timeoutMs: 5_000,
    };
    const taskQueue = `onboarding-${randomUUID()}`;
    const worker = await createOnboardingWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      ingo: sandboxIngo,
      keyring: TEST_KEYRING,
      logger: silent,
      code: { workflowsPath: path.join(__dirname, '../../src/workflows') },
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    return harnessOn(env, sandbox, taskQueue, receiver.webhookUrl, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function harnessOn(
  env: TestWorkflowEnvironment,
  sandbox: TestSandbox,
  taskQueue: string,
  webhookUrl: string,
  stop: () => Promise<void>,
): Harness {
  const status = (handle: OnboardingHandle) => handle.query(statusQuery);
  return {
    env,
    sandbox,
    taskQueue,
    webhookUrl,
    status,
    start: (request) => startOnboarding(env.client, request, { taskQueue }),
    async waitFor(handle, check, timeoutMs = 15_000) {
      let last: OnboardingStatusView | undefined;
      await until(async () => {
        last = await status(handle);
        return check(last);
      }, timeoutMs);
      return last!;
    },
    async ingoUser(userId) {
      const reply = await sandbox.admin<SandboxUserView>('GET', `/users/${userId}`);
      if (reply.status !== 200) throw new Error(`sandbox has no user ${userId}: ${reply.status}`);
      return reply.body;
    },
    async usersWithEmail(email) {
      const reply = await sandbox.banking('/api/v4/user/get-all', { email, per_page: 500 });
      return (
        reply.body.data as { items: { id: string; meta_data: { name: string; value: string }[] }[] }
      ).items;
    },
    async record(name, handle, ingoUserId) {
      if (!process.env.RECORD_HISTORIES) return;
      mkdirSync(HISTORIES, { recursive: true });
      const save = async (file: string, workflowId: string) => {
        const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
        writeFileSync(path.join(HISTORIES, file), historyToJSON(history));
      };
      await save(`${name}--${handle.workflowId}.json`, handle.workflowId);
      if (ingoUserId) {
        const reviewId = kycWorkflowId(ingoUserId);
        await save(`${name}--${reviewId}.json`, reviewId);
      }
    },
    stop,
  };
}

/** Timing that keeps tests short: KYC polled after 1 s, retries within half a second. */
export const FAST = {
  kycGracePeriod: '1 second',
  kycPollInterval: '500 milliseconds',
  kycMaxPollInterval: '2 seconds',
  retryInitialInterval: '100 milliseconds',
  retryMaxInterval: '500 milliseconds',
};

let signups = 0;
const runId = randomUUID().slice(0, 8);

export interface SignupOptions {
  /** The SSN's last four digits choose the sandbox's KYC scenario (docs/SANDBOX.md). */
  ssnLast4?: string;
  withBankAccount?: boolean;
  withPayouts?: boolean;
  timing?: OnboardingRequest['timing'];
}

/** A fresh signup: its own id and email, so every onboarding owns exactly one Ingo user. */
export function signup(options: SignupOptions = {}): OnboardingRequest {
  signups += 1;
  const signupId = `test-${runId}-${signups}`;
  return {
    signupId,
    applicant: {
      firstName: 'Jane',
      lastName: 'Doe',
      email: `jane.doe+${signupId}@example.com`,
      phoneNumber: '2015550123',
      address: { line1: '1 Main Street', city: 'Newark', state: 'NJ', postalCode: '07102' },
      dateOfBirth: '1990-04-12',
      ssn: `12345${options.ssnLast4 ?? '6789'}`,
    },
    bankAccount: options.withBankAccount
      ? { accountNumber: '000123456789', routingNumber: '021000021' }
      : undefined,
    payouts: options.withPayouts
      ? {
          checkByMail: {
            beneficiary: {
              account: '3000000038',
              firstName: 'Alex',
              lastName: 'Rivera',
              address: { line1: '9 Elm Street', city: 'Trenton', state: 'NJ', postalCode: '08608' },
            },
          },
          billPay: { account: '1234567890', billerName: 'Metro Power & Light' },
        }
      : undefined,
    timing: options.timing,
  };
}
