import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { VerificationEvent } from '../contract/verification';
import { kycWorkflowId } from '../contract/ids';
import { verificationResultSignal } from '../contract/messages';
import { withinDeadline } from './temporal-deadline';

/** What became of a KYC event: in the review's history, or no review running to receive it. */
export type KycSignalOutcome = 'signalled' | 'workflow_not_found';

/**
 * Sends `verificationResult` to `kyc-<userId>` and resolves once Temporal has accepted it, within
 * `rpcTimeoutMs`. A signal that lands although we answered 503 is a duplicate the review ignores
 * when Ingo delivers again.
 */
export async function signalKycReview(
  client: Client,
  event: VerificationEvent,
  rpcTimeoutMs: number,
): Promise<KycSignalOutcome> {
  try {
    await withinDeadline(client, rpcTimeoutMs, () =>
      client.workflow
        .getHandle(kycWorkflowId(event.subjectId))
        .signal(verificationResultSignal, event),
    );
    return 'signalled';
  } catch (error) {
    // Finished (decided through the API, or a late duplicate) or never started: nothing to wake.
    if (error instanceof WorkflowNotFoundError) return 'workflow_not_found';
    throw error;
  }
}
