import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RoutableAccountAnnouncement } from '../ingo/account-announcement';
import type { KycData } from './onboarding-input';
import type { OnboardingStatusView, OnboardingStep } from './onboarding-view';
import type { ReviewProgress, ReviewStatusChange, VerificationEvent } from './verification';

/**
 * Every message the onboarding workflows accept, defined once for the workflows and for whoever
 * sends them (webhook receiver, API, operator CLI, bench, chaos, tests). Cancelling is Temporal's
 * own cancellation (the UI's "Request Cancellation", `handle.cancel()`).
 */

// --- The onboarding (`onboarding-<signupId>`) ---------------------------------------------------

export const statusQuery = defineQuery<OnboardingStatusView>('status');

/**
 * Ingo's `account.issue.created`, forwarded by the receiver to the running onboarding of that
 * Ingo user: the account an issue call whose answer was lost created, adopted instead of a second.
 */
export const routableAccountIssuedSignal =
  defineSignal<[RoutableAccountAnnouncement]>('routableAccountIssued');

/** From a verification review to its onboarding, whenever Ingo's answer on the review changes. */
export const reviewStatusChangedSignal = defineSignal<[ReviewStatusChange]>('reviewStatusChanged');

export interface RetryRequest {
  /** When given, the retry is refused unless this is the step that is parked. */
  step?: OnboardingStep;
}
export interface RetryAccepted {
  step: OnboardingStep;
  attempt: number;
}
/** Re-runs the parked step; refused unless the onboarding is in `needs_attention`. */
export const retryUpdate = defineUpdate<RetryAccepted, [RetryRequest]>('retry');

export interface ResubmitAccepted {
  submission: number;
}
/** Corrected SSN and date of birth after a failed review; refused outside the resubmit window. */
export const resubmitKycUpdate = defineUpdate<ResubmitAccepted, [KycData]>('resubmitKyc');

// --- A verification review (`kyc-<ingoUserId>`) ------------------------------------------------

/** Ingo's verification webhook, forwarded by the receiver to the subject's review. */
export const verificationResultSignal = defineSignal<[VerificationEvent]>('verificationResult');

export const reviewProgressQuery = defineQuery<ReviewProgress>('reviewProgress');
