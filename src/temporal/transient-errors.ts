import { isGrpcServiceError } from '@temporalio/client';

/**
 * gRPC codes (a stable part of the gRPC spec; @grpc/grpc-js is not our dependency) that say
 * Temporal could not take a call now, as opposed to refusing it: the SDK's own retryable set plus
 * deadline and cancellation. Callers answer 503 and let the caller come back.
 */
const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  14, // UNAVAILABLE
]);

/** Why Temporal could not take the call, found along the error's `cause` chain; else undefined. */
export function temporalUnavailableReason(error: unknown): string | undefined {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause) && TRANSIENT_GRPC_CODES.has(cause.code)) {
      return `gRPC ${cause.code}: ${cause.details}`;
    }
  }
  return undefined;
}
