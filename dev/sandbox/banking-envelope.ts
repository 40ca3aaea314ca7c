import type { Response } from 'express';
import type { BankingErrorBody } from '../../src/ingo/schemas/banking';
import { reply } from './reply';
import type { RefusalKind, RequestError } from './request-error';

/** The Banking Platform's answers (INGO-API.md section 2). */

/** Seconds a client is asked to wait after 429 and 503. */
const RETRY_AFTER_SECONDS = '1';

/**
 * Code and HTTP status per refusal. Transport problems (413, 415, unparsable JSON) have no code of
 * their own in the contract; they are VALIDATION_ERROR, non-retryable like any bad request.
 */
const REFUSALS: Record<RefusalKind, { code: string; httpStatus: number }> = {
  unauthorized: { code: 'UNAUTHORIZED', httpStatus: 401 },
  payload_too_large: { code: 'VALIDATION_ERROR', httpStatus: 413 },
  unsupported_media_type: { code: 'VALIDATION_ERROR', httpStatus: 415 },
  malformed_body: { code: 'VALIDATION_ERROR', httpStatus: 400 },
  validation: { code: 'VALIDATION_ERROR', httpStatus: 400 },
  not_found: { code: 'NOT_FOUND', httpStatus: 404 },
  invalid_state: { code: 'INVALID_STATE', httpStatus: 409 },
  duplicate: { code: 'DUPLICATE', httpStatus: 409 },
  rate_limited: { code: 'RATE_LIMITED', httpStatus: 429 },
  unavailable: { code: 'INTERNAL_ERROR', httpStatus: 503 },
  internal: { code: 'INTERNAL_ERROR', httpStatus: 500 },
};

export function replyBankingSuccess(res: Response, data: Record<string, unknown>): void {
  reply(res, 200, { status: 'success', message: 'operation completed', data });
}

export function replyBankingError(res: Response, error: RequestError): void {
  const { code, httpStatus } = REFUSALS[error.kind];
  const body: BankingErrorBody = {
    status: 'error',
    message: error.message,
    error: { code, details: error.details },
  };
  const retryable = error.kind === 'rate_limited' || error.kind === 'unavailable';
  reply(res, httpStatus, body, retryable ? { 'Retry-After': RETRY_AFTER_SECONDS } : {});
}
