import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Ingo's HMAC request signing (INGO-API.md section 1), both sides: the client signs, the sandbox
 * and the webhook receiver verify. Always over the exact body bytes that travel on the wire.
 */

export const SIGNED_HEADERS = [
  'request-line',
  'x-date',
  'content-type',
  'content-sha512',
  'content-length',
] as const;

/** Headers a verifier insists on: without them the signature would not cover the body or time. */
const REQUIRED_SIGNED_HEADERS = ['request-line', 'x-date', 'content-sha512', 'content-length'];

export const MAX_CLOCK_SKEW_SECONDS = 300;

export type SigningAlgorithm = 'hmac-sha512' | 'hmac-sha256';

const HMAC_DIGEST: Record<SigningAlgorithm, 'sha512' | 'sha256'> = {
  'hmac-sha512': 'sha512',
  'hmac-sha256': 'sha256',
};

export interface SignRequestInput {
  method: string;
  /** Path with query, exactly as it goes on the request line, e.g. `/api/v4/user/create`. */
  path: string;
  body: Uint8Array;
  username: string;
  secret: string;
  date?: Date;
  contentType?: string;
}

export type SignedHeaders = {
  'X-Date': string;
  'Content-Type': string;
  'Content-SHA512': string;
  'Content-Length': string;
  Authorization: string;
};

export function contentSha512(body: Uint8Array): string {
  return createHash('sha512').update(body).digest('base64');
}

export function requestLine(method: string, path: string): string {
  return `${method.toUpperCase()} ${path} HTTP/1.1`;
}

/** One line per signed header name, in the order given, joined by `\n`. */
export function signingString(
  names: readonly string[],
  method: string,
  path: string,
  headerValue: (lowercaseName: string) => string | undefined,
): string {
  return names
    .map((name) => {
      const lower = name.toLowerCase();
      if (lower === 'request-line') return requestLine(method, path);
      return `${lower}: ${headerValue(lower) ?? ''}`;
    })
    .join('\n');
}

export function computeSignature(
  secret: string,
  message: string,
  algorithm: SigningAlgorithm = 'hmac-sha512',
): string {
  return createHmac(HMAC_DIGEST[algorithm], secret).update(message, 'utf8').digest('base64');
}

export function signRequest(input: SignRequestInput): SignedHeaders {
  const values: Record<string, string> = {
    'x-date': (input.date ?? new Date()).toUTCString(),
    'content-type': input.contentType ?? 'application/json',
    'content-sha512': contentSha512(input.body),
    'content-length': String(input.body.byteLength),
  };
  const signature = computeSignature(
    input.secret,
    signingString(SIGNED_HEADERS, input.method, input.path, (name) => values[name]),
  );
  return {
    'X-Date': values['x-date']!,
    'Content-Type': values['content-type']!,
    'Content-SHA512': values['content-sha512']!,
    'Content-Length': values['content-length']!,
    Authorization:
      `hmac username="${input.username}", algorithm="hmac-sha512", ` +
      `headers="${SIGNED_HEADERS.join(' ')}", signature="${signature}"`,
  };
}

export interface ParsedAuthorization {
  username: string;
  algorithm: string;
  headers: string[];
  signature: string;
}

export function parseAuthorization(value: string | undefined): ParsedAuthorization | undefined {
  if (!value) return undefined;
  const match = /^hmac\s+(.*)$/i.exec(value.trim());
  if (!match) return undefined;
  const params = new Map<string, string>();
  for (const part of match[1]!.matchAll(/([a-zA-Z]+)\s*=\s*"([^"]*)"/g)) {
    params.set(part[1]!.toLowerCase(), part[2]!);
  }
  const username = params.get('username');
  const algorithm = params.get('algorithm');
  const headers = params.get('headers');
  const signature = params.get('signature');
  if (!username || !algorithm || !headers || !signature) return undefined;
  return {
    username,
    algorithm: algorithm.toLowerCase(),
    headers: headers.split(/\s+/).filter(Boolean),
    signature,
  };
}

export type VerifyFailure =
  | 'missing_authorization'
  | 'malformed_authorization'
  | 'unsupported_algorithm'
  | 'unknown_username'
  | 'required_header_not_signed'
  | 'missing_signed_header'
  | 'invalid_date'
  | 'date_skew'
  | 'content_length_mismatch'
  | 'content_sha512_mismatch'
  | 'signature_mismatch';

export type VerifyResult = { ok: true; username: string } | { ok: false; reason: VerifyFailure };

export interface VerifyRequestInput {
  method: string;
  path: string;
  /** Header lookup by lowercase name (Node's `req.headers` works as is). */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  /** Secret for a username, or undefined when the username is unknown. */
  secretFor: (username: string) => string | undefined;
  now?: Date;
  maxSkewSeconds?: number;
  /** Legacy HMAC-SHA256 is refused unless explicitly enabled. */
  allowHmacSha256?: boolean;
}

function headerOf(headers: VerifyRequestInput['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; comparing the right side with itself keeps the time spent
  // independent of where (or whether) the values differ.
  if (left.length !== right.length) {
    timingSafeEqual(right, right);
    return false;
  }
  return timingSafeEqual(left, right);
}

export function verifyRequest(input: VerifyRequestInput): VerifyResult {
  const fail = (reason: VerifyFailure): VerifyResult => ({ ok: false, reason });
  const raw = headerOf(input.headers, 'authorization');
  if (!raw) return fail('missing_authorization');
  const auth = parseAuthorization(raw);
  if (!auth) return fail('malformed_authorization');

  const algorithm = auth.algorithm as SigningAlgorithm;
  const accepted =
    algorithm === 'hmac-sha512' || (algorithm === 'hmac-sha256' && input.allowHmacSha256 === true);
  if (!accepted) return fail('unsupported_algorithm');

  const secret = input.secretFor(auth.username);
  if (secret === undefined) return fail('unknown_username');

  const signed = auth.headers.map((name) => name.toLowerCase());
  if (!REQUIRED_SIGNED_HEADERS.every((name) => signed.includes(name))) {
    return fail('required_header_not_signed');
  }
  for (const name of signed) {
    if (name !== 'request-line' && headerOf(input.headers, name) === undefined) {
      return fail('missing_signed_header');
    }
  }

  const date = Date.parse(headerOf(input.headers, 'x-date')!);
  if (Number.isNaN(date)) return fail('invalid_date');
  const skewMs = Math.abs((input.now ?? new Date()).getTime() - date);
  if (skewMs > (input.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS) * 1000) return fail('date_skew');

  if (headerOf(input.headers, 'content-length') !== String(input.body.byteLength)) {
    return fail('content_length_mismatch');
  }
  if (!constantTimeEqual(headerOf(input.headers, 'content-sha512')!, contentSha512(input.body))) {
    return fail('content_sha512_mismatch');
  }

  const expected = computeSignature(
    secret,
    signingString(auth.headers, input.method, input.path, (name) => headerOf(input.headers, name)),
    algorithm,
  );
  if (!constantTimeEqual(auth.signature, expected)) return fail('signature_mismatch');
  return { ok: true, username: auth.username };
}
