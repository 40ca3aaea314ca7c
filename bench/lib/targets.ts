import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { StartOnboardingBody } from '../../src/api/schemas';
import type { RoutableAccountAnnouncement } from '../../src/ingo/account-announcement';
import type { VerificationEvent } from '../../src/contract/verification';
import { ingoUserIdOfReview, onboardingWorkflowId } from '../../src/contract/ids';
import { routableAccountIssuedSignal, verificationResultSignal } from '../../src/contract/messages';
import type { OnboardingResult } from '../../src/contract/onboarding-view';
import { timingSchema } from '../../src/contract/onboarding-input';
import {
  KycStatusKey,
  OnboardingStatusKey,
  OnboardingStepKey,
} from '../../src/contract/search-attributes';
import { baselineAccountId, baselineIngoUserId, type Announcement } from '../baseline/activities';
import { baselineOnboarding, type BaselineInput } from '../baseline/workflows';
import type { BenchStack } from './bench-stack';
import type { LoadTarget } from './load';

/**
 * The two systems the throughput scenarios drive: our onboarding through the API (the sandbox's
 * webhook through the receiver), and the baseline workflow started and signalled directly.
 */

/** A tag unique to this benchmark process, so runs against one server never reuse a signup id. */
const RUN_TAG = randomBytes(3).toString('hex');

export function signupIdFor(series: string, seq: number): string {
  return `bench-${RUN_TAG}-${series}-${seq}`;
}

/**
 * A minimal happy-path start request: no linked account, no payout destinations. The SSN's last
 * four digits choose the sandbox's KYC outcome (`6789`: verified, webhook once; `2222`: stays in
 * review until decided).
 */
export function onboardingRequest(signupId: string, ssnLast4 = '6789'): StartOnboardingBody {
  return {
    signupId,
    applicant: {
      firstName: 'Jane',
      lastName: 'Doe',
      email: `${signupId}@example.com`,
      phoneNumber: '2015550123',
      dateOfBirth: '1990-04-12',
      ssn: `12345${ssnLast4}`,
      address: { line1: '1 Main Street', city: 'Newark', state: 'NJ', postalCode: '07102' },
    },
  };
}

function expectCompleted(result: OnboardingResult, signupId: string): OnboardingResult {
  if (result.outcome !== 'completed') {
    throw new Error(`onboarding ${signupId} ended ${result.outcome}`);
  }
  return result;
}

/** Ends a workflow given up on; one already gone (or never started) needs nothing. */
async function terminate(client: Client, workflowId: string): Promise<void> {
  await client.workflow
    .getHandle(workflowId)
    .terminate('benchmark: not finished within the drain time')
    .catch(() => undefined);
}

/** Ours: `POST /v1/onboardings`, then Temporal's long poll for the result. */
export function onboardingTarget(
  stack: BenchStack,
  series: string,
): LoadTarget & { lastResult?: OnboardingResult } {
  const abandoned = new Set<number>();
  const target: LoadTarget & { lastResult?: OnboardingResult } = {
    name: `onboarding (${series})`,
    async runOne(seq) {
      const signupId = signupIdFor(series, seq);
      const started = await stack.api.start(onboardingRequest(signupId));
      if (!started.created) throw new Error(`signup ${signupId} already had an onboarding`);
      // Given up on while its start was on the way: ended here.
      if (abandoned.has(seq)) await terminate(stack.client, started.workflowId);
      const result = (await stack.client.workflow
        .getHandle(started.workflowId)
        .result()) as OnboardingResult;
      target.lastResult = expectCompleted(result, signupId);
    },
    async abandon(seq) {
      abandoned.add(seq);
      await terminate(stack.client, onboardingWorkflowId(signupIdFor(series, seq)));
    },
  };
  return target;
}

/** Production timing (the defaults), as the API puts it into every onboarding's input. */
export const PRODUCTION_TIMING = timingSchema.parse({});

export const BASELINE_TASK_QUEUE = 'bench-baseline';

/** What the receiver would signal: the webhook event as the review workflow receives it. */
export function kycEventFor(userId: string): VerificationEvent {
  return {
    eventId: `inn_whe_${randomBytes(11).toString('hex')}`,
    eventType: 'user.kyc.success',
    subjectId: userId,
    status: 'verified',
    reasons: [],
    reasonCodes: [],
  };
}

/**
 * The baseline: started through the Temporal client (no API in front), with the start-time search
 * attributes and summary the API's start sets. Its webhooks' signals are sent by `announce` when
 * the baseline worker reports what Ingo would announce.
 */
export function baselineTarget(client: Client, series: string): LoadTarget {
  const abandoned = new Set<number>();
  return {
    name: `baseline (${series})`,
    async abandon(seq) {
      abandoned.add(seq);
      await terminate(client, onboardingWorkflowId(signupIdFor(`baseline-${series}`, seq)));
    },
    async runOne(seq) {
      const signupId = signupIdFor(`baseline-${series}`, seq);
      const input: BaselineInput = {
        onboardingId: onboardingWorkflowId(signupId),
        timing: PRODUCTION_TIMING,
      };
      const handle = await client.workflow.start(baselineOnboarding, {
        taskQueue: BASELINE_TASK_QUEUE,
        workflowId: input.onboardingId,
        args: [input],
        staticSummary: `Onboarding of signup ${signupId}`,
        typedSearchAttributes: [
          { key: OnboardingStatusKey, value: 'in_progress' },
          { key: OnboardingStepKey, value: 'create_user' },
          { key: KycStatusKey, value: 'not_started' },
        ],
      });
      if (abandoned.has(seq)) await terminate(client, input.onboardingId);
      const result = await handle.result();
      if (result.kycStatus !== 'verified') throw new Error(`baseline ${signupId} not verified`);
    },
  };
}

/**
 * The receiver's part for the baseline, through the Temporal client: `verificationResult` to the
 * review, `routableAccountIssued` to the onboarding (which the receiver finds by its search
 * attribute; the baseline's id is known).
 */
export async function announce(
  client: Client,
  kind: Announcement,
  workflowId: string,
): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  if (kind === 'kyc') {
    await handle.signal(verificationResultSignal, kycEventFor(ingoUserIdOfReview(workflowId)));
    return;
  }
  const userId = baselineIngoUserId(workflowId);
  const account: RoutableAccountAnnouncement = {
    eventId: `inn_whe_${randomBytes(11).toString('hex')}`,
    userId,
    routableBankAccountId: baselineAccountId(userId),
    routingNumber: '021000021',
    accountNumberLast4: '0000',
  };
  await handle.signal(routableAccountIssuedSignal, account);
}
