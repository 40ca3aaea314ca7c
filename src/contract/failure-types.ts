/**
 * Failure type names the orchestrator adds to the Ingo client's own (`NON_RETRYABLE_INGO_ERRORS`),
 * shared by the activities that raise them and the workflows whose retry policies list them.
 */

/** The Ingo user for this onboarding cannot be settled without an operator (see the message). */
export const INGO_USER_CONFLICT = 'IngoUserConflict';

/**
 * A call that is not idempotent at Ingo (issuing an account) got no answer after it was sent: it
 * may have been carried out, so it is never retried blindly.
 */
export const INGO_OUTCOME_UNKNOWN = 'IngoOutcomeUnknown';

/** Biller search found no biller, or several, for a bill account the input did not disambiguate. */
export const BILLER_NOT_FOUND = 'BillerNotFound';

/** Ingo did not decide the KYC review before the deadline. */
export const KYC_DEADLINE_EXCEEDED = 'KycDeadlineExceeded';

/** The workflow was started with input that fails validation, or under the wrong id. */
export const INVALID_ONBOARDING_INPUT = 'InvalidOnboardingInput';

export const ORCHESTRATOR_NON_RETRYABLE = [
  INGO_USER_CONFLICT,
  INGO_OUTCOME_UNKNOWN,
  BILLER_NOT_FOUND,
] as const;

/** An operator message the onboarding cannot take in its current state (e.g. retry while running). */
export const NOT_ALLOWED_NOW = 'NotAllowedNow';

/** Resubmitted KYC data that fails validation; the details name the fields. */
export const INVALID_KYC_DATA = 'InvalidKycData';
