import { ApplicationFailure } from '@temporalio/common';
import {
  IngoNetworkError,
  IngoRateLimitError,
  IngoServerError,
  isIngoError,
  type IngoError,
} from '../ingo';
import { INGO_OUTCOME_UNKNOWN } from '../contract/failure-types';

/** What an operator sees of an Ingo error: the same for every step, never request data. */
export interface IngoFailureDetails {
  operation: string;
  code: string;
  httpStatus?: number;
  ingoPayStatus?: number;
  fields: string[];
  /**
   * Ingo's `Retry-After`, for workflow code: the SDK's failure converter does not decode a
   * failure's `nextRetryDelay` (1.24), which only steers the server's own activity retries.
   */
  retryAfterMs?: number;
}

function details(error: IngoError): IngoFailureDetails {
  return {
    operation: error.operation,
    code: error.code,
    httpStatus: error.httpStatus,
    ingoPayStatus: error.ingoPayStatus,
    fields: error.fields,
    retryAfterMs: error instanceof IngoRateLimitError ? error.retryAfterMs : undefined,
  };
}

/**
 * An Ingo error as a Temporal failure: the type is the error class's name, so retry policies list
 * names (`NON_RETRYABLE_INGO_ERRORS`); `Retry-After` becomes the next retry's delay.
 */
function toFailure(error: IngoError): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    details: [details(error)],
    nextRetryDelay: error instanceof IngoRateLimitError ? error.retryAfterMs : undefined,
  });
}

/** Runs one Ingo call, turning its errors into failures the workflow can classify. */
export async function ingoCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isIngoError(error) ? toFailure(error) : error;
  }
}

/** 503 (and 429) refuse a request before doing anything; a 500, 502 or 504 may come after. */
const REFUSED_BEFORE_WORK = 503;

/**
 * Whether the call may have been carried out although it failed: an answer lost after the request
 * was sent, or a server error that can follow the work (a crash, a gateway timing out).
 */
function maybeCarriedOut(error: unknown): error is IngoNetworkError | IngoServerError {
  return (
    (error instanceof IngoNetworkError && error.maybeCommitted) ||
    (error instanceof IngoServerError && error.httpStatus !== REFUSED_BEFORE_WORK)
  );
}

/**
 * For calls Ingo does not deduplicate: a failure that may have followed the work is an unknown
 * outcome, which no retry may paper over.
 */
export async function nonIdempotentIngoCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (maybeCarriedOut(error)) {
      throw ApplicationFailure.create({
        type: INGO_OUTCOME_UNKNOWN,
        message:
          `${error.message}; the request may have been carried out at Ingo all the same. ` +
          'Check at Ingo before retrying this step.',
        details: [details(error)],
        nonRetryable: true,
      });
    }
    throw isIngoError(error) ? toFailure(error) : error;
  }
}
