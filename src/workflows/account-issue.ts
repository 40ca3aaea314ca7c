import { ActivityFailure, ApplicationFailure, sleep, TimeoutFailure } from '@temporalio/workflow';
import { INGO_OUTCOME_UNKNOWN } from '../contract/failure-types';
import type { Timing } from '../contract/onboarding-input';
import { RETRYABLE_INGO_ERRORS } from '../ingo/errors';
import { ACCOUNT_ISSUED_EVENT_TYPE } from '../ingo/webhook-event-types';

/** What an unknown outcome of the account issue waits for, as the operator reads it. */
const AWAITING_ANNOUNCEMENT =
  `Waiting for Ingo's ${ACCOUNT_ISSUED_EVENT_TYPE} webhook, which settles this step with the ` +
  'account, or for an operator.';

/** An unknown outcome of the account issue; the step waits for the webhook or an operator. */
function outcomeUnknown(what: string, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: INGO_OUTCOME_UNKNOWN,
    message: `${what} ${AWAITING_ANNOUNCEMENT}`,
    details,
    nonRetryable: true,
  });
}

/**
 * Retries the account issue, which Ingo does not deduplicate, only when the failure proves nothing
 * was done (the Ingo client's retryable classes: a 503, a rate limit, a connection never made). A
 * timeout means the worker lost track of a call that may have been carried out: like the
 * activity's own unknown outcome (a lost answer, a 500), it is left to the webhook or an operator.
 */
export async function retryWhileNothingHappened<T>(
  call: () => Promise<T>,
  timing: Timing,
): Promise<T> {
  let delay = timing.retryInitialInterval;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : undefined;
      if (cause instanceof TimeoutFailure) {
        throw outcomeUnknown(
          `${(error as ActivityFailure).activityType} did not finish (${cause.timeoutType}): ` +
            'the call may have been carried out at Ingo. Check at Ingo before retrying this step.',
        );
      }
      if (cause instanceof ApplicationFailure && cause.type === INGO_OUTCOME_UNKNOWN) {
        throw outcomeUnknown(cause.message, cause.details ?? undefined);
      }
      const harmless =
        cause instanceof ApplicationFailure && RETRYABLE_INGO_ERRORS.includes(cause.type ?? '');
      if (!harmless || attempt >= timing.retryMaxAttempts) throw error;
      const { retryAfterMs } = (cause.details?.[0] ?? {}) as { retryAfterMs?: unknown };
      await sleep(typeof retryAfterMs === 'number' && retryAfterMs > 0 ? retryAfterMs : delay);
      delay = Math.min(delay * 2, timing.retryMaxInterval);
    }
  }
}
