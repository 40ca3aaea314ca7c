import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { HttpError } from './errors';

/**
 * Per client address, counts only the requests that were refused as the caller's fault (bad
 * signature or token, unreadable or invalid body) and throttles an address that keeps making them.
 * Accepted requests are never counted, and neither are 5xx answers (ours, e.g. Temporal being
 * down), so a sender with valid credentials, such as Ingo delivering webhooks, is never throttled.
 */
export function rejectionLimit(perMinute: number): RateLimitRequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode < 400 || res.statusCode >= 500,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) => {
      next(
        new HttpError(429, 'too_many_rejected_requests', 'too many rejected requests', undefined, {
          'Retry-After': String(Math.ceil(options.windowMs / 1000)),
        }),
      );
    },
  });
}
