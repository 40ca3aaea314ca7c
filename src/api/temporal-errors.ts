import { isGrpcServiceError } from '@temporalio/client';

/** The gRPC status codes we act on (a stable standard; @grpc/grpc-js is not our dependency). */
const GRPC = { DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const;

/** The gRPC status code of a Temporal client error, found along its `cause` chain. */
function grpcCode(error: unknown): number | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (isGrpcServiceError(current)) return current.code;
  }
  return undefined;
}

/** Temporal did not answer in time or could not be reached: worth retrying later. */
export function isTemporalUnavailable(error: unknown): boolean {
  const code = grpcCode(error);
  return code === GRPC.DEADLINE_EXCEEDED || code === GRPC.UNAVAILABLE;
}
