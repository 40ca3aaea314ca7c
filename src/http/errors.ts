import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { fieldIssues, type FieldIssue } from '../validation';

/**
 * The one error shape of every HTTP door (onboarding API, webhook receiver, codec server):
 * `{"error":{"code","message","fields"}}`, a machine-readable code and the offending fields, never
 * the values received (they may be personal data).
 */

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldIssue[] };
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  static validation(error: z.ZodError, what = 'request body'): HttpError {
    return new HttpError(400, 'validation_failed', `invalid ${what}`, fieldIssues(error));
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
      },
    };
  }
}

/** Express's body parser throws http-errors with a status and a `type`. */
function parserError(error: unknown): HttpError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // The router could not percent-decode a path parameter (`/v1/onboardings/%E0%A4%A`): it marks
  // the URIError 400, which read as `unreadable_body` below although the path is at fault.
  if (error instanceof URIError) {
    return new HttpError(400, 'invalid_path', 'request path is not valid percent-encoding', [
      { field: '(path)', message: 'is not valid percent-encoding' },
    ]);
  }
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (status === 413) return new HttpError(413, 'body_too_large', 'request body too large');
  if (status === 415) {
    return new HttpError(415, 'unsupported_media_type', 'request body must be application/json');
  }
  if (type === 'entity.parse.failed') {
    return new HttpError(400, 'invalid_json', 'request body is not valid JSON');
  }
  return new HttpError(400, 'unreadable_body', 'request body could not be read');
}

export function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  return parserError(error) ?? new HttpError(500, 'internal', 'internal error');
}

/** Last in every app: answers in the shared shape; only a 5xx is an error worth logging whole. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const http = asHttpError(error);
    if (http.status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    res.status(http.status).set(http.headers).json(http.body());
  };
}

/** JSON 404 for paths no router claims, so clients never get Express's HTML page. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};
