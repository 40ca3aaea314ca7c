import type { WorkflowExecutionInfo } from '@temporalio/client';
import { KYC_STATUSES, type KycStatus } from '../ingo/kyc-status';
import {
  ONBOARDING_STATUSES,
  ONBOARDING_STEPS,
  type OnboardingStatus,
  type OnboardingStatusView,
  type OnboardingStep,
} from '../contract/onboarding-view';
import {
  IngoUserIdKey,
  KycStatusKey,
  OnboardingStatusKey,
  OnboardingStepKey,
} from '../contract/search-attributes';
import { signupIdOfWorkflow } from '../contract/ids';
import type {
  ApiStatus,
  ApiStepError,
  OnboardingListItem,
  OnboardingView,
  StartedOnboarding,
} from './schemas';

/**
 * How an onboarding is reported: from the workflow's own status query when a worker answers it,
 * otherwise from what Temporal keeps without one (execution status, search attributes). A closed
 * execution overrides what the workflow last said about itself: a terminated onboarding is
 * cancelled, and one that failed or timed out (a bug or an operator's timeout, never an Ingo
 * failure, which parks instead) needs attention.
 */

export type Execution = Pick<
  WorkflowExecutionInfo,
  'workflowId' | 'status' | 'startTime' | 'closeTime' | 'typedSearchAttributes'
>;

function oneOf<T extends string>(values: readonly T[], value: unknown): T | undefined {
  return values.find((known) => known === value);
}

export function apiStatusOf(status: OnboardingStatus | undefined, execution: Execution): ApiStatus {
  switch (execution.status.name) {
    case 'CANCELLED':
    case 'TERMINATED':
      return 'cancelled';
    case 'FAILED':
    case 'TIMED_OUT':
      return 'needs_attention';
    default:
      if (status === 'awaiting_kyc_resubmission') return 'kyc_failed';
      return status ?? 'in_progress';
  }
}

/** The error an operator needs to see when the workflow itself ended without an outcome. */
function closedWithoutOutcome(execution: Execution, step: OnboardingStep): ApiStepError | null {
  const at = (execution.closeTime ?? new Date()).toISOString();
  if (execution.status.name === 'FAILED') {
    return {
      step,
      type: 'WorkflowFailed',
      message:
        'the onboarding workflow failed; its history in the Temporal UI says why. ' +
        'Starting the signup again runs it anew.',
      at,
    };
  }
  if (execution.status.name === 'TIMED_OUT') {
    return {
      step,
      type: 'WorkflowTimedOut',
      message: 'the onboarding workflow timed out. Starting the signup again runs it anew.',
      at,
    };
  }
  return null;
}

interface Summary {
  status: ApiStatus;
  step: OnboardingStep;
  kycStatus: KycStatus;
  ingoUserId: string | null;
}

/** What the search attributes say; values this code does not know are read as their defaults. */
function summaryOf(execution: Execution): Summary {
  const attributes = execution.typedSearchAttributes;
  return {
    status: apiStatusOf(oneOf(ONBOARDING_STATUSES, attributes.get(OnboardingStatusKey)), execution),
    step: oneOf(ONBOARDING_STEPS, attributes.get(OnboardingStepKey)) ?? 'create_user',
    kycStatus: oneOf(KYC_STATUSES, attributes.get(KycStatusKey)) ?? 'not_started',
    ingoUserId: attributes.get(IngoUserIdKey) ?? null,
  };
}

function times(execution: Execution): { startedAt: string; closedAt?: string } {
  return {
    startedAt: execution.startTime.toISOString(),
    ...(execution.closeTime ? { closedAt: execution.closeTime.toISOString() } : {}),
  };
}

export function startedView(execution: Execution): StartedOnboarding {
  return {
    signupId: signupIdOfWorkflow(execution.workflowId),
    workflowId: execution.workflowId,
    status: summaryOf(execution).status,
  };
}

export function listItemView(execution: Execution): OnboardingListItem {
  const summary = summaryOf(execution);
  return {
    signupId: signupIdOfWorkflow(execution.workflowId),
    workflowId: execution.workflowId,
    status: summary.status,
    step: summary.step,
    ingoUserId: summary.ingoUserId,
    kycStatus: summary.kycStatus,
    startedAt: execution.startTime.toISOString(),
    closedAt: execution.closeTime?.toISOString() ?? null,
  };
}

/** Without a worker: what Temporal knows on its own. */
export function summaryView(execution: Execution): OnboardingView {
  const summary = summaryOf(execution);
  return {
    signupId: signupIdOfWorkflow(execution.workflowId),
    workflowId: execution.workflowId,
    ...summary,
    routableAccount: null,
    lastError: closedWithoutOutcome(execution, summary.step),
    attempts: null,
    kycSubmissions: null,
    ...times(execution),
    detail: 'summary',
  };
}

/** The workflow's own account of itself, corrected by how its execution ended. */
export function fullView(execution: Execution, state: OnboardingStatusView): OnboardingView {
  const result = state.result;
  const completed = result?.outcome === 'completed' ? result : undefined;
  const account = state.routableAccount ?? completed?.routableAccount;
  const linked = completed?.linkedBankAccount;
  const kycReasons = state.kycReasons ?? (result?.outcome === 'kyc_failed' ? result.reasons : []);
  const running = execution.status.name === 'RUNNING';
  return {
    signupId: state.signupId,
    workflowId: execution.workflowId,
    status: apiStatusOf(state.status, execution),
    step: state.step,
    kycStatus: state.kycStatus,
    ingoUserId: state.ingoUserId ?? null,
    routableAccount: account
      ? {
          id: account.routableBankAccountId,
          routingNumber: account.routingNumber,
          accountNumberLast4: account.accountNumberLast4,
        }
      : null,
    ...(linked
      ? {
          linkedBankAccount: {
            id: linked.bankAccountId,
            routingNumber: linked.routingNumber,
            accountNumberLast4: linked.accountNumberLast4,
            ...(linked.bankName ? { bankName: linked.bankName } : {}),
          },
        }
      : {}),
    ...(completed ? { payoutTokens: completed.payoutTokens } : {}),
    lastError: closedWithoutOutcome(execution, state.step) ?? state.lastError ?? null,
    ...(kycReasons.length > 0 ? { kycReasons } : {}),
    // Only a running onboarding can still take corrected data.
    ...(running && state.resubmitBy ? { resubmitBy: state.resubmitBy } : {}),
    attempts: state.attempts,
    kycSubmissions: state.kycSubmissions,
    ...(state.lastKycReview ? { lastKycReview: state.lastKycReview } : {}),
    ...times(execution),
    detail: 'full',
  };
}
