import express, { type NextFunction, type Request, type RequestHandler } from 'express';
import { HttpError, asHttpError } from '../http/errors';
import type { RefusalGate } from '../http/rejection-limit';
import { SIGNED_HEADERS, verifyRequest } from '../ingo/signing';
import type { FieldIssue } from '../validation';

/** Ingo's deliveries are small JSON documents; anything larger is refused before it is buffered. */
const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

/** The body exactly as it arrived (empty when there was none). */
export function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

const CHALLENGE = `hmac algorithm="hmac-sha512", headers="${SIGNED_HEADERS.join(' ')}"`;

function unauthentic(reason: string, fields?: FieldIssue[]): HttpError {
  const message = `webhook signature not accepted: ${reason}`;
  return new HttpError(401, 'invalid_signature', message, fields, {
    'WWW-Authenticate': CHALLENGE,
  });
}

/** Authorization and the headers Ingo signs: each must arrive exactly once. */
const SINGLE_HEADERS = new Set<string>([
  'authorization',
  ...SIGNED_HEADERS.filter((name) => name !== 'request-line'),
]);

/**
 * Which of SINGLE_HEADERS came more than once. Node keeps the first of two Authorization or
 * Content-Type headers and drops the other, so a request with two would be verified against
 * whichever Node kept, while a proxy in front may have read the other: refused as ambiguous.
 */
function duplicatedHeaders(rawHeaders: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!SINGLE_HEADERS.has(name)) continue;
    if (seen.has(name)) duplicated.add(name);
    seen.add(name);
  }
  return [...duplicated];
}

/** Reads the raw body whatever its type, so a delivery is authenticated before anything else. */
const readRawBody = express.raw({
  type: () => true,
  limit: WEBHOOK_BODY_LIMIT_BYTES,
  // A compressed body would leave it open which bytes Content-SHA512 covers: refused (415).
  inflate: false,
});

function bodyReadError(error: unknown): HttpError {
  const { type } = error as { type?: unknown };
  if (type === 'encoding.unsupported') {
    return new HttpError(415, 'unsupported_content_encoding', 'request body must not be encoded');
  }
  const http = asHttpError(error);
  return http.status === 413
    ? new HttpError(413, 'body_too_large', `request body exceeds ${WEBHOOK_BODY_LIMIT_BYTES} bytes`)
    : http;
}

/**
 * Buffers the body (at most 256 KiB) and verifies Ingo's HMAC signature over those exact bytes and
 * the request line as received, before the body is parsed. Deliveries are signed like API calls
 * (INGO-API.md section 3): the webhook secret authenticates them, so any username is accepted.
 * A refusal names the verifier's reason, never anything derived from the secret.
 */
export function signatureCheck(webhookSecret: string, refuse: RefusalGate): RequestHandler[] {
  const read: RequestHandler = (req, res, next: NextFunction) => {
    readRawBody(req, res, (error?: unknown) => {
      if (error) refuse(req, res, next, bodyReadError(error));
      else next();
    });
  };
  const verify: RequestHandler = (req, res, next) => {
    const duplicated = duplicatedHeaders(req.rawHeaders);
    if (duplicated.length > 0) {
      const fields = duplicated.map((name) => ({ field: name, message: 'must be sent once' }));
      refuse(req, res, next, unauthentic('duplicate_signed_header', fields));
      return;
    }
    const result = verifyRequest({
      method: req.method,
      path: req.originalUrl,
      headers: req.headers,
      body: rawBody(req),
      secretFor: () => webhookSecret,
    });
    if (!result.ok) {
      refuse(req, res, next, unauthentic(result.reason));
      return;
    }
    next();
  };
  return [read, verify];
}
