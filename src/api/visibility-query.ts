import type { ApiStatus } from './schemas';

/**
 * The Temporal visibility query behind `GET /v1/onboardings?status=…`, matching how a single
 * onboarding's status is reported (onboarding-view.ts): a closed execution's own status wins over
 * the search attribute the workflow last wrote, and `kyc_failed` includes onboardings still
 * waiting for corrected data. Only constant strings go into the query, never caller input.
 */
const STATUS_FILTERS: Record<ApiStatus, string> = {
  in_progress: "OnboardingStatus = 'in_progress' AND ExecutionStatus = 'Running'",
  needs_attention:
    "(OnboardingStatus = 'needs_attention' AND ExecutionStatus = 'Running') OR " +
    "ExecutionStatus IN ('Failed', 'TimedOut')",
  completed: "OnboardingStatus = 'completed' AND ExecutionStatus = 'Completed'",
  kyc_failed:
    "(OnboardingStatus = 'kyc_failed' AND ExecutionStatus = 'Completed') OR " +
    "(OnboardingStatus = 'awaiting_kyc_resubmission' AND ExecutionStatus = 'Running')",
  cancelled: "ExecutionStatus IN ('Canceled', 'Terminated')",
};

export function visibilityQuery(status: ApiStatus | undefined): string {
  const onboardings = "WorkflowType = 'onboarding'";
  return status ? `${onboardings} AND (${STATUS_FILTERS[status]})` : onboardings;
}
