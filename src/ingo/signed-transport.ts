import { IngoNetworkError, IngoProtocolError } from './errors';
import { signRequest } from './signing';

/**
 * Sends one signed JSON POST to Ingo and returns what came back, raw. It signs the exact bytes it
 * sends, never follows a redirect (a redirect would resend signed data to another place), and
 * turns every way of getting no answer into an `IngoNetworkError` that says whether the call may
 * have been carried out. It does not retry: retries belong to the caller (Temporal's activity
 * retry policy), where they are durable and visible.
 */

export interface Credentials {
  username: string;
  secret: string;
}

export interface SignedTransportOptions {
  credentials: Credentials;
  timeoutMs: number;
  /** Extra headers on every call (Banking's `api_key`). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface IngoResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

/** Errors whose cause means the request never reached Ingo, so nothing was carried out. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']);

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

export class SignedTransport {
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => Date;

  constructor(private readonly options: SignedTransportOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? (() => new Date());
  }

  async post(
    operation: string,
    url: string,
    payload: unknown,
    signal?: AbortSignal,
  ): Promise<IngoResponse> {
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    const target = new URL(url);
    const signed = signRequest({
      method: 'POST',
      path: target.pathname + target.search,
      body,
      username: this.options.credentials.username,
      secret: this.options.credentials.secret,
      date: this.now(),
    });
    const timeout = AbortSignal.timeout(this.options.timeoutMs);

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(target, {
        method: 'POST',
        headers: { ...signed, Accept: 'application/json', ...this.options.headers },
        body,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      const code = timeout.aborted ? 'TIMEOUT' : (causeCode(error) ?? 'NETWORK_ERROR');
      throw new IngoNetworkError({
        operation,
        code,
        message: timeout.aborted
          ? ` after ${this.options.timeoutMs} ms`
          : ': no response from Ingo',
        maybeCommitted: !NOT_SENT_CODES.has(code),
        cause: error,
      });
    }

    if (response.status >= 300 && response.status < 400) {
      throw new IngoProtocolError({
        operation,
        code: 'REDIRECT_NOT_FOLLOWED',
        httpStatus: response.status,
        message: `: Ingo answered ${response.status}; redirects are not followed`,
      });
    }
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
