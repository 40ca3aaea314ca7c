import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import { HttpError } from './errors';

const tooManyRejected: Options['handler'] = (_req, _res, next, options) => {
  next(
    new HttpError(429, 'too_many_rejected_requests', 'too many rejected requests', undefined, {
      'Retry-After': String(Math.ceil(options.windowMs / 1000)),
    }),
  );
};

/** Passes a refusal on, or 429 instead once its client address has made too many. */
export type RefusalGate = (
  req: Request,
  res: Response,
  next: NextFunction,
  refusal: HttpError,
) => void;

/**
 * A rate limit that only refusals go through (a bad signature, an unreadable body), per client
 * address. An authentic request never reaches it, so a sender holding the secret, such as Ingo
 * delivering webhooks, is never throttled, however many others forge requests from the same
 * address. Only for HMAC-signed requests, where a 429 instead of a 401 helps no guesser (an
 * HMAC-SHA512 signature cannot be guessed); tokens need `unauthorizedLimit`. Per process.
 */
export function rejectionGate(perMinute: number): RefusalGate {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooManyRejected,
  });
  return (req, res, next, refusal) => {
    void limiter(req, res, (error?: unknown) => next(error ?? refusal));
  };
}

/**
 * Against guessing a bearer token: once a client address has made `perMinute` requests that were
 * refused as unauthorized, everything it sends is refused (429) until the minute is over, the
 * right token included; otherwise a guesser would still learn which guess was right. Requests
 * that are answered otherwise never count.
 */
export function unauthorizedLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooManyRejected,
  });
}
