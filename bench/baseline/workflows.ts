import {
  condition,
  executeChild,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { KycStatus } from '../../src/ingo/kyc-status';
import {
  ingoActivityOptions,
  singleAttemptActivityOptions,
} from '../../src/workflows/activity-options';
import {
  verificationResultSignal,
  reviewStatusChangedSignal,
  routableAccountIssuedSignal,
} from '../../src/contract/messages';
import { kycWorkflowId } from '../../src/contract/ids';
import type { Timing } from '../../src/contract/onboarding-input';
import { publishSearchAttributes } from '../../src/workflows/publish-search-attributes';
import {
  IngoUserIdKey,
  KycStatusKey,
  OnboardingStatusKey,
  OnboardingStepKey,
} from '../../src/contract/search-attributes';
import type { BaselineActivities } from './activities';

/**
 * The engine's ceiling (benchmark scenario 2): a workflow pair with the event structure of a
 * happy-path onboarding and its KYC review, as read from a real one's history (docs/BENCHMARKS.md
 * lists the counts), whose activities do nothing. Same activity names and options, same child
 * workflow, same signals each way (the `verificationResult` wake-up from outside, two `reviewStatusChanged`
 * from the review to the onboarding, the `routableAccountIssued` announcement from outside), the
 * same search-attribute upserts at the same points, and
 * the same await structure, so the same workflow tasks. What it leaves out is everything that is
 * ours: input validation, the status model, current details, the API, Ingo's HTTP calls, HMAC,
 * payload encryption, logging.
 */

export interface BaselineInput {
  onboardingId: string;
  timing: Timing;
}

export interface BaselineResult {
  ingoUserId: string;
  kycStatus: KycStatus;
  routableBankAccountId: string;
}

export async function baselineOnboarding({
  onboardingId,
  timing,
}: BaselineInput): Promise<BaselineResult> {
  const { ensureIngoUser } = proxyActivities<BaselineActivities>(ingoActivityOptions(timing));
  const { issueRoutableAccount } = proxyActivities<BaselineActivities>(
    singleAttemptActivityOptions(timing),
  );
  const state: { status: string; step: string; kycStatus: KycStatus; ingoUserId?: string } = {
    status: 'in_progress',
    step: 'create_user',
    kycStatus: 'not_started',
  };
  const publish = () =>
    publishSearchAttributes([
      { key: OnboardingStatusKey, value: state.status },
      { key: OnboardingStepKey, value: state.step },
      { key: KycStatusKey, value: state.kycStatus },
      ...(state.ingoUserId ? [{ key: IngoUserIdKey, value: state.ingoUserId }] : []),
    ]);
  setHandler(reviewStatusChangedSignal, (changed) => {
    state.kycStatus = changed.status;
    publish();
  });
  // Ingo's announcement of the account the issue call created: nothing to adopt on this path.
  setHandler(routableAccountIssuedSignal, () => undefined);

  publish();
  const { ingoUserId } = await ensureIngoUser({ onboardingId });
  state.ingoUserId = ingoUserId;
  state.step = 'kyc';
  publish();
  const review = await executeChild(baselineKycReview, {
    workflowId: kycWorkflowId(ingoUserId),
    args: [{ ingoUserId, timing }],
  });
  state.kycStatus = review.kycStatus;
  state.step = 'issue_account';
  publish();
  const account = await issueRoutableAccount({ ingoUserId });
  state.step = 'done';
  state.status = 'completed';
  publish();
  return {
    ingoUserId,
    kycStatus: state.kycStatus,
    routableBankAccountId: account.routableBankAccountId,
  };
}

export async function baselineKycReview({
  ingoUserId,
  timing,
}: {
  ingoUserId: string;
  timing: Timing;
}): Promise<{ kycStatus: KycStatus }> {
  const { submitKyc, checkKyc } = proxyActivities<BaselineActivities>(ingoActivityOptions(timing));
  let signalled = 0;
  let kycStatus: KycStatus = 'not_started';
  setHandler(verificationResultSignal, () => {
    signalled += 1;
  });
  const { parent } = workflowInfo();
  const record = async (status: KycStatus) => {
    if (status !== kycStatus && parent) {
      await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(
        reviewStatusChangedSignal,
        { subjectId: ingoUserId, status },
      );
    }
    kycStatus = status;
    publishSearchAttributes([{ key: KycStatusKey, value: status }]);
  };

  publishSearchAttributes([{ key: IngoUserIdKey, value: ingoUserId }]);
  await record((await submitKyc({ ingoUserId })).kycStatus);
  // As the review waits: for the webhook's signal, or until the grace period ends.
  await condition(() => signalled > 0, timing.kycGracePeriod);
  await record((await checkKyc({ ingoUserId })).kycStatus);
  return { kycStatus };
}

/**
 * The engine's ceiling for webhook signals (scenario 3): a workflow that only takes the KYC
 * signal, so each signal costs Temporal and the worker one workflow task and nothing of ours.
 * It waits until the benchmark's stack is discarded.
 */
export async function signalSink(): Promise<void> {
  let received = 0;
  setHandler(verificationResultSignal, () => {
    received += 1;
  });
  await condition(() => received < 0);
}
