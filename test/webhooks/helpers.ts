import { createHash, createHmac, randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import express from 'express';
import { serveOnLoopback } from '../../dev/testing/in-process-stack';
import { errorHandler, notFound } from '../../src/http/errors';
import type { WebhookDelivery } from '../../src/ingo/schemas/webhook';
import { createWebhookRouter, type WebhookReceiverOptions } from '../../src/webhooks/receiver';

/**
 * The receiver as the HTTP process mounts it, on 127.0.0.1:0, and what tests need to talk to it:
 * an Ingo signer written from INGO-API.md section 1 alone (no project code), deliveries over real
 * HTTP.
 */

export const WEBHOOK_PATH = '/webhooks/ingo';

export interface ReceiverServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `<url>/webhooks/ingo`: where Ingo (the sandbox) delivers. */
  webhookUrl: string;
  close(): Promise<void>;
}

export async function startReceiverServer(
  options: WebhookReceiverOptions,
): Promise<ReceiverServer> {
  const app = express()
    .use(createWebhookRouter(options))
    .use(notFound)
    .use(errorHandler(options.logger));
  const { url, close } = await serveOnLoopback(app);
  return { url, webhookUrl: url + WEBHOOK_PATH, close };
}

const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh id in Ingo's format, `inn_whe_` and 22 alphanumerics. */
export function eventId(): string {
  let suffix = '';
  for (let i = 0; i < 22; i += 1) suffix += ALPHANUMERICS[randomInt(ALPHANUMERICS.length)];
  return `inn_whe_${suffix}`;
}

/** A delivery as Ingo documents it (INGO-API.md section 3), serialised once. */
export function envelope(
  event: string,
  data: Partial<WebhookDelivery['data']> & Record<string, unknown> = {},
): Buffer {
  const delivery = {
    event,
    data: { event_id: eventId(), event_type: event, event_description: '', ...data },
    created_at: '21-11-2026 10:04 AM',
    updated_at: '21-11-2026 10:04 AM',
  };
  return Buffer.from(JSON.stringify(delivery), 'utf8');
}

/** The event id inside serialised delivery bytes. */
export function idOf(body: Buffer): string {
  return (JSON.parse(body.toString('utf8')) as { data: { event_id: string } }).data.event_id;
}

export function kycSuccess(userId: string, id = eventId()): Buffer {
  return envelope('user.kyc.success', { event_id: id, user_id: userId, status: 'verified' });
}

export interface HandSignOptions {
  secret: string;
  body: Buffer;
  path?: string;
  username?: string;
  date?: Date;
  contentType?: string;
  /** The header names to sign, in this order. */
  headers?: string[];
  algorithm?: string;
  /** Signs this Content-Length, while the body's true length is sent. */
  signedContentLength?: string;
}

const INGO_ORDER = ['request-line', 'x-date', 'content-type', 'content-sha512', 'content-length'];

/**
 * Ingo's HMAC-SHA512 scheme computed here from the reference alone: Content-SHA512 is the Base64 of
 * the raw SHA-512 digest of the body; the signing string is one line per signed header, the request
 * line as `POST <path> HTTP/1.1`, the others as `<lowercase name>: <value>`, joined by `\n`.
 */
export function handSign(options: HandSignOptions): Record<string, string> {
  const path = options.path ?? WEBHOOK_PATH;
  const date = (options.date ?? new Date()).toUTCString();
  const contentType = options.contentType ?? 'application/json';
  const digest = createHash('sha512').update(options.body).digest('base64');
  const length = String(options.body.length);
  const signed: Record<string, string> = {
    'x-date': date,
    'content-type': contentType,
    'content-sha512': digest,
    'content-length': options.signedContentLength ?? length,
  };
  const names = options.headers ?? INGO_ORDER;
  const signingString = names
    .map((name) => (name === 'request-line' ? `POST ${path} HTTP/1.1` : `${name}: ${signed[name]}`))
    .join('\n');
  const signature = createHmac('sha512', options.secret).update(signingString).digest('base64');
  const username = options.username ?? 'ingo';
  const algorithm = options.algorithm ?? 'hmac-sha512';
  return {
    'X-Date': date,
    'Content-Type': contentType,
    'Content-SHA512': digest,
    'Content-Length': length,
    Authorization:
      `hmac username="${username}", algorithm="${algorithm}", ` +
      `headers="${names.join(' ')}", signature="${signature}"`,
  };
}

/** A date a whole number of seconds away, rounded so the skew is never less than asked for. */
export function secondsFromNow(seconds: number): Date {
  const at = Date.now() + seconds * 1000;
  return new Date((seconds < 0 ? Math.floor(at / 1000) : Math.ceil(at / 1000)) * 1000);
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & {
    error?: { code: string; message: string; fields?: { field: string; message: string }[] };
  };
  ms: number;
}

/** Every status any receiver answered in this test file, to show none was a redirect. */
export const answeredStatuses: number[] = [];

/** POSTs (or sends `method`) the exact bytes with the given headers; redirects are not followed. */
export async function deliver(
  url: string,
  body: Buffer | undefined,
  headers: Record<string, string>,
  method = 'POST',
): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  answeredStatuses.push(response.status);
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Answer['body']) : {},
    ms: Date.now() - started,
  };
}

/** Sends the body with `Transfer-Encoding: chunked`, so no Content-Length travels with it. */
export function deliverChunked(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<Answer> {
  const started = Date.now();
  const { 'Content-Length': _omitted, ...rest } = headers;
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: rest }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        answeredStatuses.push(res.statusCode ?? 0);
        resolve({
          status: res.statusCode ?? 0,
          headers: new Headers(res.headers as Record<string, string>),
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'],
          ms: Date.now() - started,
        });
      });
    });
    req.on('error', reject);
    req.write(body);
    req.end();
  });
}
