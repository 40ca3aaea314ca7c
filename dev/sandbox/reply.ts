import type { Response } from 'express';

/**
 * Every answer of a signed API leaves through `reply`, so the lost-response fault can drop any of
 * them after the call has been carried out, as when a client times out after the server committed.
 */

const lost = new WeakSet<Response>();

export function loseResponse(res: Response): void {
  lost.add(res);
}

export function reply(
  res: Response,
  httpStatus: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (lost.has(res)) {
    res.socket?.destroy();
    return;
  }
  if (res.headersSent) return;
  res.status(httpStatus).set(headers).json(body);
}
