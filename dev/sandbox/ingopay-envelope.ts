import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { IngoPayBody } from '../../src/ingo/schemas/ingopay';
import { reply } from './reply';
import type { RefusalKind, RequestError } from './request-error';

/**
 * The IngoPay gateway's answers (INGO-API.md section 4): the outcome is the envelope's `status`,
 * and HTTP says 200 unless authentication failed or the request could not be read at all.
 */

const CLIENT_MESSAGES: Record<number, string> = {
  100: 'Success',
  101: 'Success (idempotent replay)',
  104: 'Request in progress',
  111: 'Success: partial address match (street)',
  112: 'Success: partial address match (zip)',
  113: 'Success: partial address match (street and zip)',
  400: 'Required parameter missing',
  401: 'Parameters incorrect',
  402: 'Timestamp out of range',
  404: 'Not found',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'System error, please retry',
  700: 'Account not available for processing',
  753: 'Address verification declined: address not found',
  754: 'Address verification declined: address mismatch',
  755: 'Address verification declined: undeliverable address',
  1042: 'Account number check digit failure',
};

const REFUSALS: Record<RefusalKind, { status: number; httpStatus: number }> = {
  unauthorized: { status: 401, httpStatus: 401 },
  payload_too_large: { status: 413, httpStatus: 413 },
  unsupported_media_type: { status: 415, httpStatus: 415 },
  malformed_body: { status: 400, httpStatus: 400 },
  validation: { status: 401, httpStatus: 200 },
  not_found: { status: 404, httpStatus: 404 },
  invalid_state: { status: 401, httpStatus: 200 },
  duplicate: { status: 401, httpStatus: 200 },
  rate_limited: { status: 429, httpStatus: 429 },
  unavailable: { status: 500, httpStatus: 200 },
  internal: { status: 500, httpStatus: 500 },
};

const startedAt = new WeakMap<Response, number>();

/** Middleware: notes when the call arrived, for the envelope's `time`. */
export function startIngoPayClock(_req: Request, res: Response, next: NextFunction): void {
  startedAt.set(res, performance.now());
  next();
}

function elapsedSeconds(res: Response): string {
  const start = startedAt.get(res);
  return ((start === undefined ? 0 : performance.now() - start) / 1000).toFixed(4);
}

export function replyIngoPay(
  res: Response,
  status: number,
  data: Record<string, unknown>,
  httpStatus = 200,
): void {
  const body: IngoPayBody = {
    status,
    client_message: CLIENT_MESSAGES[status] ?? 'Error',
    data,
    time: elapsedSeconds(res),
  };
  reply(res, httpStatus, body);
}

export function replyIngoPayError(res: Response, error: RequestError): void {
  const { status, httpStatus } = REFUSALS[error.kind];
  const body: IngoPayBody = {
    status,
    client_message:
      error.kind === 'unauthorized' ? 'Unauthorized' : (CLIENT_MESSAGES[status] ?? 'Error'),
    data: error.details,
    time: elapsedSeconds(res),
  };
  reply(res, httpStatus, body);
}
