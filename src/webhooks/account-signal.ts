import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RoutableAccountAnnouncement } from '../ingo/account-announcement';
import { kycWorkflowId } from '../contract/ids';
import { routableAccountIssuedSignal } from '../contract/messages';
import { withinDeadline } from './temporal-deadline';

/** What became of an account announcement: in an onboarding's history, or none running to want it. */
export type AccountSignalOutcome = 'signalled' | 'workflow_not_found';

/** The onboarding that ran the user's latest KYC review, if any did. */
async function onboardingOfUser(
  client: Client,
  ingoUserId: string,
): Promise<{ workflowId: string; runId?: string } | undefined> {
  try {
    const { parentExecution } = await client.workflow
      .getHandle(kycWorkflowId(ingoUserId))
      .describe();
    if (!parentExecution?.workflowId) return undefined;
    return { workflowId: parentExecution.workflowId, runId: parentExecution.runId ?? undefined };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Sends `routableAccountIssued` to the running onboarding of the announced account's user and
 * resolves once Temporal has accepted it. The receiver knows only Ingo's user id, while the
 * onboarding runs under the signup's id. Ingo issues an account only to a verified user, and our
 * users are verified by the review child `kyc-<userId>`, whose parent is the onboarding: two
 * look-ups by id, whose cost does not grow with the number of executions as a visibility query's
 * does. Look-up and signal share the one `rpcTimeoutMs` deadline. None running (finished,
 * cancelled, or never ours): nothing waits for it.
 */
export async function signalOnboardingOfUser(
  client: Client,
  event: RoutableAccountAnnouncement,
  rpcTimeoutMs: number,
): Promise<AccountSignalOutcome> {
  return withinDeadline(client, rpcTimeoutMs, async () => {
    const onboarding = await onboardingOfUser(client, event.userId);
    if (onboarding === undefined) return 'workflow_not_found';
    try {
      await client.workflow
        .getHandle(onboarding.workflowId, onboarding.runId)
        .signal(routableAccountIssuedSignal, event);
      return 'signalled';
    } catch (error) {
      // It finished after the review: it no longer waits for an account.
      if (error instanceof WorkflowNotFoundError) return 'workflow_not_found';
      throw error;
    }
  });
}
