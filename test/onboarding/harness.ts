import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { config } from '../../src/config';
import { createIngoClients } from '../../src/ingo';
import { kycWebhookEvent } from '../../src/ingo/schemas/webhook';
import { temporalCliPath, temporalTestServerPath } from '../../src/temporal/binaries';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { startOnboarding, type OnboardingHandle } from '../../src/temporal/start-onboarding';
import { kycWorkflowId } from '../../src/workflows/ids';
import {
  kycResultSignal,
  statusQuery,
  type OnboardingStatusView,
} from '../../src/workflows/messages';
import type { OnboardingRequest } from '../../src/workflows/onboarding-input';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';
import type { SandboxOverrides } from '../../src/sandbox/options';
import { startSandbox, until, type TestSandbox } from '../sandbox/helpers';
import { installQuietRuntime } from '../temporal/helpers';

/**
 * The real parts, wired as in production: a Temporal server (time-skipping or dev server), a worker
 * running the real workflows and activities, the Ingo sandbox over HTTP, and a minimal webhook
 * forwarder that signals `kyc-<userId>` (the real receiver is the webhook issue's work).
 */

export type { OnboardingHandle };

export interface Harness {
  env: TestWorkflowEnvironment;
  sandbox: TestSandbox;
  taskQueue: string;
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

/** Forwards KYC webhooks to the review workflow as signals; acknowledges everything else. */
async function startForwarder(
  env: TestWorkflowEnvironment,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = kycWebhookEvent.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      if (!event.success) {
        res.writeHead(200).end();
        return;
      }
      env.client.workflow
        .getHandle(kycWorkflowId(event.data.userId))
        .signal(kycResultSignal, event.data)
        .then(
          () => res.writeHead(200).end(),
          (error: unknown) =>
            res.writeHead(error instanceof WorkflowNotFoundError ? 200 : 500).end(),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/ingo`, server };
}

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
    const env =
      kind === 'time-skipping'
        ? await TestWorkflowEnvironment.createTimeSkipping({
            server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
          })
        : await TestWorkflowEnvironment.createLocal({
            server: {
              executable: { type: 'existing-path', path: temporalCliPath() },
              searchAttributes: [...SEARCH_ATTRIBUTES],
            },
          });
    stops.push(() => env.teardown());
    if (kind === 'time-skipping') await registerSearchAttributes(env.connection, 'default');

    const forwarder = await startForwarder(env);
    stops.push(() => new Promise((resolve) => forwarder.server.close(resolve)));
    const sandbox = await startSandbox({ webhookUrl: forwarder.url, ...sandboxOverrides });
    stops.push(() => sandbox.close());
    const clients = createIngoClients({
      ...config().ingo,
      bankingBaseUrl: `${sandbox.url}/api/v4`,
      payBaseUrl: sandbox.url,
      timeoutMs: 5_000,
    });
    const taskQueue = `onboarding-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowsPath: path.join(__dirname, '../../src/workflows'),
      activities: createActivities({ ...clients, logger: silent }),
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    return harnessOn(env, sandbox, taskQueue, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function harnessOn(
  env: TestWorkflowEnvironment,
  sandbox: TestSandbox,
  taskQueue: string,
  stop: () => Promise<void>,
): Harness {
  const status = (handle: OnboardingHandle) => handle.query(statusQuery);
  return {
    env,
    sandbox,
    taskQueue,
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
