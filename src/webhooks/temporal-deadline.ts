import type { Client } from '@temporalio/client';
import { HttpError } from '../http/errors';
import { temporalUnavailableReason } from '../temporal/transient-errors';

/** How long Ingo is asked to wait before delivering again while Temporal is unreachable. */
const TEMPORAL_RETRY_AFTER_SECONDS = 10;

/** Temporal did not take the call in time: Ingo delivers again later; the workflows dedupe. */
export class TemporalUnavailable extends HttpError {
  constructor(readonly reason: string) {
    super(503, 'temporal_unavailable', 'Temporal is unavailable; deliver again later', undefined, {
      'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS),
    });
  }
}

/**
 * Runs the Temporal calls that hand a delivery over, all of them within one deadline, retries
 * included; when Temporal fails fast (UNAVAILABLE) the SDK's retry interceptor may still sleep one
 * back-off past it (at most 5 s) before giving up. Temporal being unreachable or too slow becomes
 * `TemporalUnavailable` (503 with Retry-After); every other error passes through.
 */
export async function withinDeadline<T>(
  client: Client,
  rpcTimeoutMs: number,
  calls: () => Promise<T>,
): Promise<T> {
  try {
    return await client.connection.withDeadline(Date.now() + rpcTimeoutMs, calls);
  } catch (error) {
    const reason = temporalUnavailableReason(error);
    if (reason !== undefined) throw new TemporalUnavailable(reason);
    throw error;
  }
}
