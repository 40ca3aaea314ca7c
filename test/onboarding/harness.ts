import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startOnboarding, type OnboardingHandle } from '../../src/temporal/start-onboarding';
import { kycWorkflowId } from '../../src/contract/ids';
import { statusQuery } from '../../src/contract/messages';
import type { OnboardingStatusView } from '../../src/contract/onboarding-view';
import type { OnboardingRequest } from '../../src/contract/onboarding-input';
import type { SandboxUser } from '../../dev/sandbox/admin-client';
import type { SandboxOverrides } from '../../dev/sandbox/options';
import { startInProcessStack, type InProcessStack } from '../../dev/testing/in-process-stack';
import { applicantFor, OPTIONAL_STEPS } from '../../dev/testing/signups';
import { TEST_SANDBOX, testSandbox, until, type TestSandbox } from '../sandbox/helpers';
import { TEST_KEYRING } from '../fixtures/test-keyring';

/**
 * The real parts, wired as in production (dev/testing/in-process-stack.ts): a Temporal server
 * (time-skipping or dev server), the production worker (real workflows and activities from
 * source, payloads encrypted with the test keyring), the Ingo sandbox over HTTP (as tests run it),
 * and the real HTTP process, whose webhook receiver the sandbox delivers its signed webhooks to.
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
  ingoUser(userId: string): Promise<SandboxUser>;
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

export const HISTORIES = path.join(__dirname, 'histories');

export async function startHarness(
  kind: 'time-skipping' | 'dev-server',
  sandboxOverrides: SandboxOverrides = {},
): Promise<Harness> {
  const stack = await startInProcessStack({
    temporal: kind,
    keyring: TEST_KEYRING,
    sandbox: { ...TEST_SANDBOX, ...sandboxOverrides },
    ingoTimeoutMs: 5_000,
  });
  return harnessOn(stack);
}

function harnessOn(stack: InProcessStack): Harness {
  const { env, taskQueue } = stack;
  const sandbox = testSandbox(stack.sandbox);
  const status = (handle: OnboardingHandle) => handle.query(statusQuery);
  return {
    env,
    sandbox,
    taskQueue,
    webhookUrl: stack.webhookUrl,
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
    ingoUser: (userId) => stack.admin.user(userId),
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
    stop: () => stack.stop(),
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
    applicant: applicantFor(signupId, options.ssnLast4),
    bankAccount: options.withBankAccount ? structuredClone(OPTIONAL_STEPS.bankAccount) : undefined,
    payouts: options.withPayouts ? structuredClone(OPTIONAL_STEPS.payouts) : undefined,
    timing: options.timing,
  };
}
