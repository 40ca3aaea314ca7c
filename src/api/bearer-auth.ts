import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from '../http/errors';
import { unauthorizedLimit } from '../http/rejection-limit';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function presentedToken(req: Request): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/**
 * `Authorization: Bearer <token>`, compared in constant time (digests of equal length, so not
 * even the token's length leaks). Only requests refused for their token count towards the limit,
 * so a caller holding the token is not throttled for its 404s or 409s; but an address that has
 * guessed too often is refused outright, the right token included, or the limit would slow no
 * guesser.
 */
export function bearerAuth(token: string, rejectedRequestsPerMinute: number): RequestHandler[] {
  const expected = digest(token);
  const check: RequestHandler = (req, _res, next) => {
    const presented = presentedToken(req);
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      next();
      return;
    }
    next(
      new HttpError(401, 'unauthorized', 'a valid bearer token is required', undefined, {
        'WWW-Authenticate': 'Bearer',
      }),
    );
  };
  return [unauthorizedLimit(rejectedRequestsPerMinute), check];
}
