/**
 * Ids derived from stable business ids, never generated: a repeated start, a retry or a replay
 * lands on the same workflow, the same Ingo idempotency key and the same IngoPay unique id.
 * None of them carries personal data (IngoPay forbids it in `participant_unique_id1`).
 */

/** The product backend's signup id: what a repeated start for the same signup is recognised by. */
export const SIGNUP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

const ONBOARDING_WORKFLOW_ID_PREFIX = 'onboarding-';

export function onboardingWorkflowId(signupId: string): string {
  return `${ONBOARDING_WORKFLOW_ID_PREFIX}${signupId}`;
}

/** The signup an onboarding workflow id belongs to (the id itself if it is not one). */
export function signupIdOfWorkflow(workflowId: string): string {
  return withoutPrefix(workflowId, ONBOARDING_WORKFLOW_ID_PREFIX);
}

const REVIEW_WORKFLOW_ID_PREFIX = 'kyc-';

/** From Ingo's id alone, so the webhook receiver can signal it without any lookup. */
export function kycWorkflowId(ingoUserId: string): string {
  return `${REVIEW_WORKFLOW_ID_PREFIX}${ingoUserId}`;
}

/** The Ingo user a review's workflow id belongs to (the id itself if it is not one). */
export function ingoUserIdOfReview(workflowId: string): string {
  return withoutPrefix(workflowId, REVIEW_WORKFLOW_ID_PREFIX);
}

function withoutPrefix(id: string, prefix: string): string {
  return id.startsWith(prefix) ? id.slice(prefix.length) : id;
}

/** The `meta_data` entry that marks an Ingo user as created by one onboarding. */
export const ONBOARDING_TAG = 'onboarding_id';

/** `idempotent_key` of the external bank account link. */
export function bankAccountLinkKey(onboardingId: string): string {
  return `${onboardingId}:bank-account`;
}

/** `participant_unique_id1` of a payout destination; a replay answers 101 with the first token. */
export function payoutUniqueId(onboardingId: string, destination: 'check' | 'bill-pay'): string {
  return `${onboardingId}:${destination}`;
}
