import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_INGO_ERRORS } from '../ingo/errors';
import { ORCHESTRATOR_NON_RETRYABLE } from '../contract/failure-types';
import type { Timing } from '../contract/onboarding-input';

/**
 * Retries of Ingo calls are decided by the failure's type name, as classified by the Ingo client:
 * transient ones back off and retry, the rest go to an operator at once. After `retryMaxAttempts`
 * a step stops retrying and waits for an operator too, instead of spinning forever.
 */
export function ingoRetryPolicy(timing: Timing): RetryPolicy {
  return {
    initialInterval: timing.retryInitialInterval,
    maximumInterval: timing.retryMaxInterval,
    backoffCoefficient: 2,
    maximumAttempts: timing.retryMaxAttempts,
    nonRetryableErrorTypes: [...NON_RETRYABLE_INGO_ERRORS, ...ORCHESTRATOR_NON_RETRYABLE],
  };
}

export function ingoActivityOptions(timing: Timing): ActivityOptions {
  return { startToCloseTimeout: timing.activityTimeout, retry: ingoRetryPolicy(timing) };
}

/**
 * For a call Ingo does not deduplicate: one attempt per activity, because a timed-out attempt
 * (a worker lost mid-call) may have been carried out. The workflow retries only failures that
 * prove nothing happened.
 */
export function singleAttemptActivityOptions(timing: Timing): ActivityOptions {
  return { startToCloseTimeout: timing.activityTimeout, retry: { maximumAttempts: 1 } };
}
