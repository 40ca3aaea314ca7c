import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { describeIssues, fieldIssues, type FieldIssue } from '../validation';
import { onboardingWorkflowId } from '../contract/ids';
import { ONBOARDING_WORKFLOW, type OnboardingWorkflow } from '../contract/workflow-types';
import {
  onboardingInput,
  type OnboardingRequest,
  type TimingRequest,
} from '../contract/onboarding-input';
import {
  KycStatusKey,
  OnboardingStatusKey,
  OnboardingStepKey,
} from '../contract/search-attributes';

/** A start request that fails validation; `issues` name the fields, never their values. */
export class OnboardingRequestError extends Error {
  override readonly name = 'OnboardingRequestError';
  constructor(readonly issues: FieldIssue[]) {
    super(`Invalid onboarding request: ${describeIssues(issues)}`);
  }
}

export type OnboardingHandle = WorkflowHandle<OnboardingWorkflow>;

/**
 * Starts the onboarding of one signup: the one way every caller (API, CLI, tests) does it.
 * Invalid requests are refused before anything starts. The id is the signup's, so a second start
 * of a running or completed onboarding fails with WorkflowExecutionAlreadyStartedError; only one
 * that was cancelled, terminated or failed may run again (and then finds its Ingo user by tag).
 */
export async function startOnboarding(
  client: Client,
  given: OnboardingRequest,
  { taskQueue, timing }: { taskQueue: string; timing?: TimingRequest },
): Promise<OnboardingHandle> {
  // The deployment's timing where the request names none; kept in the workflow's input (history).
  const request = { ...given, timing: { ...timing, ...given.timing } };
  const parsed = onboardingInput.safeParse(request);
  if (!parsed.success) throw new OnboardingRequestError(fieldIssues(parsed.error));
  const { signupId } = parsed.data;
  return client.workflow.start<OnboardingWorkflow>(ONBOARDING_WORKFLOW, {
    taskQueue,
    workflowId: onboardingWorkflowId(signupId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    args: [request],
    staticSummary: `Onboarding of signup ${signupId}`,
    // Visible to list filters from the first moment, before the workflow's first task runs.
    typedSearchAttributes: [
      { key: OnboardingStatusKey, value: 'in_progress' },
      { key: OnboardingStepKey, value: 'create_user' },
      { key: KycStatusKey, value: 'not_started' },
    ],
  });
}
