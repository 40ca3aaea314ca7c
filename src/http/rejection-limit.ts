import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Options } from 'express-rate-limit';
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
 * right token included; otherwise a guesser would still learn which guess was right. Only answered
 * 401s count: a request in flight is nobody's guess yet (counting it, as a rate limiter's
 * skip-successful mode does until the answer, throttled a caller with many requests in flight).
 */
export function unauthorizedLimit(perMinute: number): RequestHandler {
  const windowMs = 60_000;
  const store = new MemoryStore();
  store.init({ windowMs } as Options);
  return (req, res, next) => {
    const key = ipKeyGenerator(req.ip ?? '');
    store.get(key).then((refused) => {
      if (refused && refused.totalHits >= perMinute) {
        const seconds = Math.max(1, Math.ceil((refused.resetTime!.getTime() - Date.now()) / 1000));
        next(
          new HttpError(
            429,
            'too_many_rejected_requests',
            'too many rejected requests',
            undefined,
            {
              'Retry-After': String(seconds),
            },
          ),
        );
        return;
      }
      res.once('finish', () => {
        if (res.statusCode === 401) void store.increment(key);
      });
      next();
    }, next);
  };
}
