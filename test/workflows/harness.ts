// One time-skipping server and one worker per test file, the real workflows on it, and the fake
// Ingo (fake-ingo.ts) as their activities. Starting takes seconds (server, workflow bundle); each
// test then runs its onboarding in milliseconds of real time, however many days it spans.

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { temporalTestServerPath } from '../../dev/temporal/binaries';
import { installQuietRuntime } from '../../dev/temporal/quiet-runtime';
import { reviewProgressQuery, statusQuery } from '../../src/contract/messages';
import type { OnboardingStatus, OnboardingStatusView } from '../../src/contract/onboarding-view';
import {
  IngoUserIdKey,
  KycStatusKey,
  OnboardingStatusKey,
  OnboardingStepKey,
} from '../../src/contract/search-attributes';
import type { ReviewProgress } from '../../src/contract/verification';
import type { VerificationReviewWorkflow } from '../../src/contract/workflow-types';
import type { KycStatus } from '../../src/ingo/kyc-status';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { startOnboarding, type OnboardingHandle } from '../../src/temporal/start-onboarding';
import { FakeIngo, releaseHangingCalls, type Signup, type SignupOptions } from './fake-ingo';

export type ReviewHandle = WorkflowHandle<VerificationReviewWorkflow>;

export interface Started {
  signup: Signup;
  handle: OnboardingHandle;
  review: ReviewHandle;
}

export interface WorkflowTests {
  env(): TestWorkflowEnvironment;
  taskQueue: string;
  ingo: FakeIngo;
  /** A fresh signup (fake-ingo.ts), started as its onboarding. */
  start(options?: SignupOptions): Promise<Started>;
  /** Starts an existing signup's onboarding (its request as is). */
  startSignup(signup: Signup): Promise<Started>;
  /** For workflows started another way: terminated after the test if still running. */
  track(workflowId: string): void;
  status(handle: OnboardingHandle): Promise<OnboardingStatusView>;
  /**
   * Reads the onboarding's status until `check` holds. In real time: the server skips no time
   * meanwhile, so only for states reached without waiting on a timer.
   */
  waitFor(
    handle: OnboardingHandle,
    check: (status: OnboardingStatusView) => boolean,
  ): Promise<OnboardingStatusView>;
  /** Likewise for the review, from its first answer on (it may not exist yet). */
  waitForReview(
    review: ReviewHandle,
    check: (progress: ReviewProgress) => boolean,
  ): Promise<ReviewProgress>;
  /** Waits (in real time) until the fake has seen `check` hold. */
  until(check: () => boolean, what: string): Promise<void>;
  /** The onboarding's (or review's) search attributes, as list filters see them. */
  searchAttributes(handle: WorkflowHandle): Promise<Record<string, string | undefined>>;
}

const REAL_TIME_LIMIT_MS = 5_000;
const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

async function poll<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string) {
  const deadline = Date.now() + REAL_TIME_LIMIT_MS;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (check(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; last seen: ${JSON.stringify(last) ?? String(lastError)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function useWorkflowTests(): WorkflowTests {
  const taskQueue = `workflow-tests-${randomUUID()}`;
  const ingo = new FakeIngo();
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  /** Onboardings (and their reviews) the current test started. */
  const started: [string, string?][] = [];

  beforeAll(async () => {
    installQuietRuntime('ERROR');
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    });
    await registerSearchAttributes(env.connection, 'default');
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowsPath: path.join(__dirname, '../../src/workflows'),
      activities: ingo.activities(),
    });
    running = worker.run();
    // The first onboarding pays for loading the workflow code: not any test's time.
    const warmUp = ingo.signup({
      submissionAnswers: ['verified'],
      withBankAccount: true,
      withPayouts: true,
    });
    await (await startOnboarding(env.client, warmUp.request, { taskQueue })).result();
  });

  // A workflow a test left running (when it failed, say) would wake up whenever a later test
  // skips time: terminated here. Never while one of its activities runs, though: the test server
  // then keeps that activity's lock on time skipping forever, and every later test's waits would
  // pass in real time (https://github.com/temporalio/sdk-java/issues/1138).
  afterEach(async () => {
    releaseHangingCalls();
    const ids = started.splice(0);
    await Promise.all(
      ids.map(async ([workflowId, reviewId]) => {
        const handle = env!.client.workflow.getHandle(workflowId);
        if ((await handle.describe()).status.name !== 'RUNNING') return;
        await poll(
          async () => (await runningActivities(workflowId)) + (await runningActivities(reviewId)),
          (count) => count === 0,
          `no activity of ${workflowId} running`,
        ).catch(() => undefined);
        await handle.terminate('test over').catch((error: unknown) => {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        });
      }),
    );
  });

  /** How many activities of the workflow are running (0 once it has closed or never was). */
  async function runningActivities(workflowId: string | undefined): Promise<number> {
    if (workflowId === undefined) return 0;
    try {
      const { status, raw } = await env!.client.workflow.getHandle(workflowId).describe();
      if (status.name !== 'RUNNING') return 0;
      return (raw.pendingActivities ?? []).filter((activity) => activity.state === STARTED).length;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 0;
      throw error;
    }
  }

  afterAll(async () => {
    releaseHangingCalls();
    try {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
    } finally {
      await env?.teardown();
    }
  });

  const startSignup = async (signup: Signup): Promise<Started> => {
    started.push([signup.workflowId, signup.reviewId]);
    const handle = await startOnboarding(env!.client, signup.request, { taskQueue });
    const review = env!.client.workflow.getHandle<VerificationReviewWorkflow>(signup.reviewId);
    return { signup, handle, review };
  };

  const status = (handle: OnboardingHandle) => handle.query(statusQuery);

  return {
    env: () => env!,
    taskQueue,
    ingo,
    start: (options) => startSignup(ingo.signup(options)),
    startSignup,
    track: (workflowId) => started.push([workflowId]),
    status,
    waitFor: (handle, check) => poll(() => status(handle), check, 'the onboarding'),
    waitForReview: (review, check) =>
      poll(() => review.query(reviewProgressQuery), check, 'the review'),
    until: async (check, what) => {
      await poll(() => Promise.resolve(check()), Boolean, what);
    },
    async searchAttributes(handle) {
      const { typedSearchAttributes } = await handle.describe();
      return {
        OnboardingStatus: typedSearchAttributes.get(OnboardingStatusKey),
        OnboardingStep: typedSearchAttributes.get(OnboardingStepKey),
        KycStatus: typedSearchAttributes.get(KycStatusKey),
        IngoUserId: typedSearchAttributes.get(IngoUserIdKey),
      };
    },
  };
}

/** What a promise was rejected with (fails the test if it was fulfilled). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

/** The ApplicationFailure an update was refused with. */
export async function updateRefusal(update: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await rejection(update);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** The failure a workflow ended with. */
export async function workflowFailure(result: Promise<unknown>): Promise<Error | undefined> {
  const error = await rejection(result);
  expect(error).toBeInstanceOf(WorkflowFailedError);
  return (error as WorkflowFailedError).cause;
}

/** The search attributes of an onboarding that has ended as `status`, its KYC `kycStatus`. */
export function endedAttributes(
  signup: Signup,
  status: Extract<OnboardingStatus, 'completed' | 'kyc_failed'>,
  kycStatus: KycStatus,
): Record<string, string | undefined> {
  return {
    OnboardingStatus: status,
    OnboardingStep: 'done',
    KycStatus: kycStatus,
    IngoUserId: signup.ingoUserId,
  };
}
