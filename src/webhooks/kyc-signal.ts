import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { HttpError } from '../http/errors';
import type { KycWebhookEvent } from '../ingo/schemas/webhook';
import { temporalUnavailableReason } from '../temporal/transient-errors';
import { kycWorkflowId } from '../workflows/ids';
import { kycResultSignal } from '../workflows/messages';

/** What became of a KYC event: in the review's history, or no review running to receive it. */
export type KycSignalOutcome = 'signalled' | 'workflow_not_found';

/** How long Ingo is asked to wait before delivering again while Temporal is unreachable. */
const TEMPORAL_RETRY_AFTER_SECONDS = 10;

/** Temporal did not take the signal in time: Ingo delivers again later; the review dedupes. */
export class TemporalUnavailable extends HttpError {
  constructor(readonly reason: string) {
    super(503, 'temporal_unavailable', 'Temporal is unavailable; deliver again later', undefined, {
      'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS),
    });
  }
}

/**
 * Sends `kycResult` to `kyc-<userId>` and resolves once Temporal has accepted it. The deadline
 * bounds the call, retries included; when Temporal fails fast (UNAVAILABLE) the SDK's retry
 * interceptor may still sleep one back-off past it (at most 5 s) before giving up. A signal that
 * lands although we answered 503 is a duplicate the review ignores when Ingo delivers again.
 */
export async function signalKycReview(
  client: Client,
  event: KycWebhookEvent,
  rpcTimeoutMs: number,
): Promise<KycSignalOutcome> {
  try {
    await client.connection.withDeadline(Date.now() + rpcTimeoutMs, () =>
      client.workflow.getHandle(kycWorkflowId(event.userId)).signal(kycResultSignal, event),
    );
    return 'signalled';
  } catch (error) {
    // Finished (decided through the API, or a late duplicate) or never started: nothing to wake.
    if (error instanceof WorkflowNotFoundError) return 'workflow_not_found';
    const reason = temporalUnavailableReason(error);
    if (reason !== undefined) throw new TemporalUnavailable(reason);
    throw error;
  }
}
