import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/**
 * Why the sandbox refused a call, independent of the API that answers: the Banking Platform and the
 * IngoPay gateway each turn it into their own envelope (banking-envelope.ts, ingopay-envelope.ts).
 */
export type RefusalKind =
  | 'unauthorized'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'malformed_body'
  | 'validation'
  | 'not_found'
  | 'invalid_state'
  | 'duplicate'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export class RequestError extends Error {
  override readonly name = 'RequestError';

  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Errors thrown by Express's body parser (http-errors) carry a status and a `type`. */
function parserError(error: unknown): { status: number; type?: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status !== 'number') return undefined;
  return { status, type: typeof type === 'string' ? type : undefined };
}

/** Any thrown value as a refusal: ours as is, the body parser's by status, the rest a crash. */
export function asRequestError(error: unknown, bodyLimitBytes: number): RequestError {
  if (error instanceof RequestError) return error;
  // Injected latency is cut short when the sandbox closes: the service is going away, not broken.
  if (error instanceof Error && error.name === 'AbortError') {
    return new RequestError('unavailable', 'sandbox shutting down');
  }
  const parser = parserError(error);
  if (parser?.status === 413) {
    return new RequestError('payload_too_large', 'request body too large', {
      limit_bytes: bodyLimitBytes,
    });
  }
  if (parser !== undefined && parser.status >= 400 && parser.status < 500) {
    return new RequestError('malformed_body', 'request body could not be read', {
      reason: parser.type ?? 'unreadable_body',
    });
  }
  return new RequestError('internal', 'internal error');
}

/**
 * The last handler of each router: a refusal is answered in that API's own envelope, and only a
 * crash is logged (with the path, never the body).
 */
export function refusalHandler(
  what: string,
  bodyLimitBytes: number,
  log: Logger,
  reply: (res: Response, refusal: RequestError) => void,
): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const refusal = asRequestError(error, bodyLimitBytes);
    if (refusal.kind === 'internal') {
      log.error({ err: error, path: req.originalUrl.split('?')[0] }, `${what} call crashed`);
    }
    reply(res, refusal);
  };
}
