import type { FieldIssue } from '../validation';

/**
 * Why an onboarding operation was not carried out, in the API's terms but free of HTTP: the
 * router turns the code into a status, the CLI's exit codes follow the same distinctions.
 */
export type OnboardingServiceErrorCode =
  /** No onboarding for this signup. */
  | 'not_found'
  /** It has ended: there is nothing to cancel. */
  | 'already_closed'
  /** The onboarding refused the request in its current state (or has ended). */
  | 'not_allowed_now'
  /** The request names bad fields. */
  | 'validation_failed'
  /** Temporal did not answer in time, or could not be reached. */
  | 'temporal_unavailable'
  /** Temporal answered, but the onboarding did not take the request in time: no worker polling. */
  | 'onboarding_not_responding';

export class OnboardingServiceError extends Error {
  override readonly name = 'OnboardingServiceError';
  constructor(
    readonly code: OnboardingServiceErrorCode,
    message: string,
    readonly fields?: FieldIssue[],
  ) {
    super(message);
  }
}
