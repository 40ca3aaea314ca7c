import { createHash, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import cors from 'cors';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors';
import { unauthorizedLimit } from '../http/rejection-limit';
import { PayloadDecryptionError } from './encryption-codec';

/**
 * The remote codec protocol the Temporal Web UI and CLI speak: `POST …/encode` and `POST …/decode`
 * with `{"payloads":[{"metadata":{"<key>":"<base64>"},"data":"<base64>"}]}` (Payloads in protobuf
 * JSON) both ways. Mounted at `/codec`.
 *
 * The token goes in `Authorization: Bearer <token>` or, for the dev server's UI, which can be
 * given only a URL (`--ui-codec-endpoint`) and adds no headers, as a path segment:
 * `/codec/<token>/decode`. `X-Namespace` is accepted and ignored: one keyring serves every
 * namespace.
 */

export const CODEC_PATH = '/codec';
export const CODEC_BODY_LIMIT = '4mb';

export interface CodecRouterOptions {
  codec: PayloadCodec;
  token: string;
  /** Browser origins allowed to call (the Temporal UI's); others get no CORS headers. */
  corsOrigins: readonly string[];
  rejectedRequestsPerMinute: number;
}

const ACTIONS = ['encode', 'decode'] as const;

/** `/<token>/encode` and `/<token>/decode`, relative to the mount path. */
const PATH_TOKEN = /^\/([^/?]+)\/(encode|decode)(?=$|\?)/;

/** The URL with a path token replaced, for logs: `/codec/<token>/decode` → `/codec/[redacted]/decode`. */
export function redactCodecToken(url: string): string {
  const prefix = `${CODEC_PATH}/`;
  if (!url.startsWith(prefix)) return url;
  const rest = url.slice(prefix.length);
  const segment = /^[^/?]*/.exec(rest)?.[0] ?? '';
  if (segment === '' || (ACTIONS as readonly string[]).includes(segment)) return url;
  return `${prefix}[redacted]${rest.slice(segment.length)}`;
}

/** Compares digests, so the time taken says nothing about where the tokens differ. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A path segment as written before URL encoding; `''` (never a token) if it is malformed. */
function percentDecoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

// Protobuf JSON writes bytes as base64, standard or URL-safe, padding optional.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

const jsonPayload = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});

// Protobuf's JSON leaves out an empty list: `{}` is no payloads (the Temporal CLI sends it).
const payloadsBody = z.strictObject({ payloads: z.array(jsonPayload).default([]) });

type JsonPayload = z.infer<typeof jsonPayload>;

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson({ metadata, data }: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value).toString('base64'),
      ]),
    ),
    data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
  };
}

export function codecRouter(options: CodecRouterOptions): Router {
  const { codec, token } = options;
  // As CODEC_AUTH_TOKEN is validated: a short token could be guessed.
  if (token.length < 12) throw new Error('the codec token must be at least 12 characters');
  const router = Router();

  // Preflights are answered here, before authentication: browsers send them without credentials.
  router.use(
    cors({
      origin: [...options.corsOrigins],
      credentials: true,
      methods: ['POST'],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
      maxAge: 600,
    }),
  );

  // The path token is taken out of the URL here, so nothing after this (routes, 404 messages, the
  // error log) ever sees it; the access log redacts it from the original URL.
  router.use((req, res, next) => {
    const match = PATH_TOKEN.exec(req.url);
    if (match?.[1] !== undefined && !(ACTIONS as readonly string[]).includes(match[1])) {
      res.locals.pathToken = percentDecoded(match[1]);
      req.url = `/${match[2]}${req.url.slice(match[0].length)}`;
    }
    next();
  });

  router.use(unauthorizedLimit(options.rejectedRequestsPerMinute));

  // A path token, when present, decides alone: the UI may also send its own (OIDC) bearer token.
  const authenticate: RequestHandler = (req, res, next) => {
    const pathToken = res.locals.pathToken as string | undefined;
    const given = pathToken ?? bearerToken(req.headers.authorization);
    if (given === undefined || !sameToken(given, token)) {
      next(
        new HttpError(401, 'unauthorized', 'a valid codec token is required', undefined, {
          'WWW-Authenticate': 'Bearer',
        }),
      );
      return;
    }
    next();
  };
  router.use(authenticate);

  const requireJson: RequestHandler = (req, _res, next) => {
    // `false`: a body of another type; `null`: no body at all, which validation then names.
    if (req.is('application/json') === false) {
      next(new HttpError(415, 'unsupported_media_type', 'request body must be application/json'));
      return;
    }
    next();
  };
  const parseJson = express.json({ limit: CODEC_BODY_LIMIT });

  for (const action of ACTIONS) {
    router.post(`/${action}`, requireJson, parseJson, async (req, res) => {
      const body = payloadsBody.safeParse(req.body);
      if (!body.success) throw HttpError.validation(body.error);
      const payloads = body.data.payloads.map(fromJson);
      let result: Payload[];
      try {
        result = action === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      } catch (error) {
        // The protocol's answer to a payload the codec cannot read; the message names the key id.
        if (error instanceof PayloadDecryptionError) {
          throw new HttpError(400, 'decode_failed', error.message);
        }
        throw error;
      }
      res.json({ payloads: result.map(toJson) });
    });
  }

  return router;
}
