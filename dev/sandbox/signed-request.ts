import { createHash, timingSafeEqual } from 'node:crypto';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { verifyRequest } from '../../src/ingo/signing';
import type { SandboxContext } from './context';
import { loseResponse } from './reply';
import { RequestError } from './request-error';

/**
 * How a call to a signed API is admitted, in this order: body size (413), HMAC signature over the
 * raw body bytes (401), Banking's api_key (401), injected faults, Content-Type (415), JSON object
 * (400). Schema validation follows in each route, because its answer differs per API.
 */

export interface SignedApi {
  credentials: { username: string; secret: string };
  /** Banking only: the program API key, from the `api_key` header or a body field. */
  apiKey?: string;
  /** Banking only: the gateway documents no rate-limit status. */
  rateLimited: boolean;
}

/** The path a call was made to, without its query: the key of stats and fault scopes. */
export function requestPath(req: Request): string {
  return req.originalUrl.split('?')[0] ?? req.originalUrl;
}

function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Compares digests so the time taken says nothing about where the keys differ. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The body's `api_key`, if the body is a JSON object that has one; anything else counts as none. */
function bodyApiKey(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'api_key' in parsed) {
      return typeof parsed.api_key === 'string' ? parsed.api_key : undefined;
    }
  } catch {
    // Not JSON: no api_key in it. The JSON check further down reports the body itself.
  }
  return undefined;
}

export function admitSignedRequest(context: SandboxContext, api: SignedApi): RequestHandler[] {
  const { options, state, faults } = context;

  const countCall = (req: Request, _res: Response, next: NextFunction) => {
    state.countCall(requestPath(req));
    next();
  };

  const verifySignature = (req: Request, _res: Response, next: NextFunction) => {
    const result = verifyRequest({
      method: req.method,
      path: req.originalUrl,
      headers: req.headers,
      body: rawBody(req),
      secretFor: (username) =>
        username === api.credentials.username ? api.credentials.secret : undefined,
      now: options.now(),
    });
    if (!result.ok) {
      throw new RequestError('unauthorized', 'request signature rejected', {
        reason: result.reason,
      });
    }
    next();
  };

  const checkApiKey = (expected: string) => (req: Request, _res: Response, next: NextFunction) => {
    // The header is preferred: when it is present, a body field cannot make up for a wrong one.
    const header = req.headers['api_key'];
    const given = typeof header === 'string' ? header : bodyApiKey(rawBody(req));
    if (given === undefined) {
      throw new RequestError('unauthorized', 'api_key missing', { reason: 'missing_api_key' });
    }
    if (!sameSecret(given, expected)) {
      throw new RequestError('unauthorized', 'api_key rejected', { reason: 'invalid_api_key' });
    }
    next();
  };

  const injectFaults = (req: Request, res: Response, next: NextFunction) => {
    const path = requestPath(req);
    if (faults.strikes('errorRate', path)) {
      throw new RequestError('unavailable', 'service temporarily unavailable', {
        reason: 'injected_fault',
      });
    }
    if (api.rateLimited && faults.strikes('rateLimitRate', path)) {
      throw new RequestError('rate_limited', 'too many requests', { reason: 'injected_fault' });
    }
    // Decided now, acted on when the answer is ready: the call itself is carried out in full.
    if (faults.strikes('lostResponseRate', path)) loseResponse(res);
    next();
  };

  const parseJson = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      throw new RequestError('unsupported_media_type', 'Content-Type must be application/json', {
        reason: 'unsupported_media_type',
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody(req).toString('utf8'));
    } catch {
      throw new RequestError('malformed_body', 'request body is not valid JSON', {
        reason: 'malformed_json',
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new RequestError('malformed_body', 'request body must be a JSON object', {
        reason: 'not_an_object',
      });
    }
    req.body = parsed;
    next();
  };

  return [
    countCall,
    express.raw({ type: () => true, limit: options.bodyLimitBytes }),
    verifySignature,
    ...(api.apiKey === undefined ? [] : [checkApiKey(api.apiKey)]),
    injectFaults,
    parseJson,
  ];
}
