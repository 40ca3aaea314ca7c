import type { FieldIssue } from '../validation';

/** The API answered with an error: `{"error":{"code","message","fields"}}` and its status. */
export class OnboardingApiError extends Error {
  override readonly name = 'OnboardingApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldIssue[] = [],
    /** Seconds, from `Retry-After`, when the API said when to come back. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** No answer: the API could not be reached, or did not answer within the client's timeout. */
export class OnboardingApiUnreachableError extends Error {
  override readonly name = 'OnboardingApiUnreachableError';
  constructor(
    readonly reason: 'timeout' | 'network',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An answer that is not what the API promises (wrong shape, not JSON): a version mismatch. */
export class OnboardingApiResponseError extends Error {
  override readonly name = 'OnboardingApiResponseError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
