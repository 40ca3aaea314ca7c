import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from '../http/errors';
import { rejectionLimit } from '../http/rejection-limit';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function presentedToken(req: Request): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/**
 * `Authorization: Bearer <token>`, compared in constant time (digests of equal length, so not
 * even the token's length leaks). Only requests without the right token count towards the
 * rejection limit: a guesser is throttled, a caller holding the token never is, whatever it asks.
 */
export function bearerAuth(token: string, rejectedRequestsPerMinute: number): RequestHandler {
  const expected = digest(token);
  const limit = rejectionLimit(rejectedRequestsPerMinute);
  return (req, res, next) => {
    const presented = presentedToken(req);
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      next();
      return;
    }
    void limit(req, res, (error?: unknown) => {
      next(
        error ??
          new HttpError(401, 'unauthorized', 'a valid bearer token is required', undefined, {
            'WWW-Authenticate': 'Bearer',
          }),
      );
    });
  };
}
