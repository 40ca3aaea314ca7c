import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { QUERYABLE_INGO_ID, type RoutableAccountAnnouncement } from '../ingo/schemas/webhook';
import { routableAccountIssuedSignal } from '../workflows/messages';
import { IngoUserIdKey } from '../workflows/search-attributes';
import { withinDeadline } from './temporal-deadline';

/** What became of an account announcement: in an onboarding's history, or none running to want it. */
export type AccountSignalOutcome = 'signalled' | 'workflow_not_found';

/**
 * The running onboardings of one Ingo user. The id goes into the query as a literal, so it must
 * be one that cannot end it (the schema has checked; this keeps any other caller honest).
 */
function runningOnboardingsOf(ingoUserId: string): string {
  if (!QUERYABLE_INGO_ID.test(ingoUserId)) {
    throw new Error('refusing to query visibility for a malformed Ingo user id');
  }
  return (
    `WorkflowType = 'onboarding' AND ${IngoUserIdKey.name} = '${ingoUserId}' ` +
    `AND ExecutionStatus = 'Running'`
  );
}

/**
 * Sends `routableAccountIssued` to the running onboarding of the announced account's user and
 * resolves once Temporal has accepted it. The receiver knows only Ingo's user id, while the
 * onboarding runs under the signup's id: it is found through the `IngoUserId` search attribute,
 * which the onboarding sets right after creating the user. Look-up and signal share the one
 * `rpcTimeoutMs` deadline. None running (finished, cancelled, or never ours): nothing waits for it.
 */
export async function signalOnboardingOfUser(
  client: Client,
  event: RoutableAccountAnnouncement,
  rpcTimeoutMs: number,
): Promise<AccountSignalOutcome> {
  return withinDeadline(client, rpcTimeoutMs, async () => {
    let signalled = false;
    const executions = client.workflow.list({ query: runningOnboardingsOf(event.userId) });
    for await (const { workflowId, runId } of executions) {
      try {
        await client.workflow
          .getHandle(workflowId, runId)
          .signal(routableAccountIssuedSignal, event);
        signalled = true;
      } catch (error) {
        // It finished between the look-up and the signal: it no longer waits for an account.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    return signalled ? 'signalled' : 'workflow_not_found';
  });
}
