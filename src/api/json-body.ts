import express, { type RequestHandler } from 'express';
import { HttpError } from '../http/errors';

/** Requests are small JSON documents; 64 KiB leaves room for every optional section. */
export const JSON_BODY_LIMIT = '64kb';

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON bodies only: a body of another type is 415 (rather than silently ignored as express.json
 * does), one above the limit 413, malformed JSON 400 `invalid_json` (see src/http/errors.ts).
 */
export function jsonBody(): RequestHandler[] {
  return [
    (req, _res, next) => {
      if (hasBody(req.headers) && !req.is('application/json')) {
        next(new HttpError(415, 'unsupported_media_type', 'request body must be application/json'));
        return;
      }
      next();
    },
    express.json({ limit: JSON_BODY_LIMIT }),
  ];
}
