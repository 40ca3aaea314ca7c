import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
  type TemporalFailure,
} from '@temporalio/workflow';
import type { OnboardingStep, StepError } from '../contract/onboarding-view';

/** Whether a child's failure came from the named activity. */
export function failedIn(error: unknown, activityType: string): boolean {
  const cause = error instanceof ChildWorkflowFailure ? error.cause : undefined;
  return cause instanceof ActivityFailure && cause.activityType === activityType;
}

/** The innermost failure of a step, as an operator reads it. */
export function describeFailure(step: OnboardingStep, error: TemporalFailure): StepError {
  let cause: Error = error;
  while (
    (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) &&
    cause.cause
  ) {
    cause = cause.cause;
  }
  const at = new Date().toISOString();
  if (cause instanceof ApplicationFailure) {
    const detail = (cause.details?.[0] ?? {}) as { code?: unknown; fields?: unknown };
    return {
      step,
      type: cause.type ?? 'Error',
      message: cause.message,
      code: typeof detail.code === 'string' ? detail.code : undefined,
      fields: Array.isArray(detail.fields) ? detail.fields.map(String) : undefined,
      at,
    };
  }
  if (cause instanceof TimeoutFailure) {
    return { step, type: 'Timeout', message: `timed out (${cause.timeoutType})`, at };
  }
  return { step, type: cause.name, message: cause.message, at };
}
