import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { expect } from 'vitest';
import { signRequest, verifyRequest, type VerifyResult } from '../../src/ingo/signing';
import type { WebhookDelivery } from '../../src/ingo/schemas/webhook';
import {
  SandboxAdminClient,
  type AdminMethod,
  type SandboxStats,
} from '../../dev/sandbox/admin-client';
import { NO_FAULT_COUNTS, NO_FAULTS } from '../../dev/sandbox/faults';

export { NO_FAULTS };
import type { SandboxOverrides } from '../../dev/sandbox/options';
import { createSandbox, type RunningSandbox, type Sandbox } from '../../dev/sandbox/sandbox';
import { applicantRequest } from '../fixtures/ingo-requests';

/**
 * Test harness: the sandbox in-process on port 0 with tiny delays, requests signed with
 * `signRequest` and sent with plain fetch, and a webhook receiver that verifies every delivery.
 */

/** vitest's asymmetric matchers are typed `any`; the same, typed `unknown` for the type-aware linter. */
export const anyString: unknown = expect.any(String);
export const anyNumber: unknown = expect.any(Number);
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
export const containing = (items: unknown[]): unknown => expect.arrayContaining(items);
export const like = (object: Record<string, unknown>): unknown => expect.objectContaining(object);

export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface BankingBody {
  status: 'success' | 'error';
  message: string;
  data: Record<string, unknown>;
  error: { code: string; details: Record<string, unknown> };
}

export interface IngoPayReply {
  status: number;
  client_message: string;
  data: Record<string, unknown>;
  time: string;
}

export interface SignOptions {
  username?: string;
  secret?: string;
  date?: Date;
  contentType?: string;
  /** `null`: no api_key header at all. */
  apiKey?: string | null;
  headers?: Record<string, string>;
  /** Signs for this path instead of the one the request goes to. */
  signedPath?: string;
  /** Replaces the Authorization header after signing. */
  authorization?: (signed: string) => string;
}

export interface TestSandbox {
  sandbox: Sandbox;
  url: string;
  close: () => Promise<void>;
  banking<T = BankingBody>(path: string, body: unknown, options?: SignOptions): Promise<Reply<T>>;
  gateway<T = IngoPayReply>(path: string, body: unknown, options?: SignOptions): Promise<Reply<T>>;
  /** The admin API's typed client. */
  client: SandboxAdminClient;
  /** Any admin call, its answer as it came (refusals included), typed as the test says. */
  admin<T = Record<string, unknown>>(
    method: AdminMethod,
    path: string,
    body?: unknown,
  ): Promise<Reply<T>>;
  stats(): Promise<SandboxStats>;
}

export const silentLogger = pino({ level: 'silent' });

/** `GET /_sandbox/stats` before anything happened (or right after a reset). */
export const FRESH_SANDBOX_STATS: SandboxStats = {
  usersCreated: 0,
  accountsIssued: 0,
  bankAccountsLinked: 0,
  tokensIssued: 0,
  calls: {},
  webhooks: { sent: 0, delivered: 0, failed: 0, pending: 0, dropped: 0, attempts: 0 },
  faults: NO_FAULT_COUNTS,
};

/** How tests run the sandbox: tiny delays and retries, emails not required unique, silent. */
export const TEST_SANDBOX = {
  kycDelayMs: 20,
  webhookMaxAttempts: 4,
  webhookRetryBaseMs: 10,
  webhookRetryMaxMs: 40,
  webhookTimeoutMs: 1_000,
  uniqueEmails: false,
  logger: silentLogger,
} satisfies SandboxOverrides;

function bytesOf(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

async function readJson<T>(response: Response): Promise<Reply<T>> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as T };
}

/** The sandbox in-process on 127.0.0.1:0, as tests run it, with `overrides` on top. */
export async function startSandbox(overrides: SandboxOverrides = {}): Promise<TestSandbox> {
  const sandbox = createSandbox({
    host: '127.0.0.1',
    port: 0,
    webhookUrl: undefined,
    ...TEST_SANDBOX,
    ...overrides,
    faults: { ...NO_FAULTS, ...overrides.faults },
  });
  return testSandbox({ sandbox, ...(await sandbox.start()) });
}

/** A running sandbox with what tests send it: signed Banking and IngoPay calls, admin calls. */
export function testSandbox({
  sandbox,
  url,
  close,
}: RunningSandbox & { sandbox: Sandbox }): TestSandbox {
  const { options } = sandbox;
  const client = new SandboxAdminClient(url);

  const signed = async <T>(
    path: string,
    body: unknown,
    credentials: { username: string; secret: string },
    sign: SignOptions,
    apiKey: string | undefined,
  ): Promise<Reply<T>> => {
    const bytes = bytesOf(body);
    const headers: Record<string, string> = {
      ...signRequest({
        method: 'POST',
        path: sign.signedPath ?? path,
        body: bytes,
        username: sign.username ?? credentials.username,
        secret: sign.secret ?? credentials.secret,
        date: sign.date,
        contentType: sign.contentType,
      }),
    };
    if (sign.authorization) headers.Authorization = sign.authorization(headers.Authorization!);
    if (apiKey !== undefined) headers.api_key = apiKey;
    Object.assign(headers, sign.headers);
    return readJson<T>(await fetch(url + path, { method: 'POST', headers, body: bytes }));
  };

  return {
    sandbox,
    url,
    close,
    banking: (path, body, sign = {}) =>
      signed(
        path,
        body,
        options.banking,
        sign,
        sign.apiKey === null ? undefined : (sign.apiKey ?? options.apiKey),
      ),
    gateway: (path, body, sign = {}) => signed(path, body, options.pay, sign, undefined),
    client,
    admin: async <T>(method: AdminMethod, path: string, body?: unknown) =>
      (await client.reply(method, path, body)) as Reply<T>,
    stats: () => client.stats(),
  };
}

/** Polls until `check` holds, failing after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ReceivedWebhook {
  delivery: WebhookDelivery;
  verification: VerifyResult;
  path: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close: () => Promise<void>;
}

function bodyOf(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A webhook receiver that verifies each delivery's signature with the webhook secret and answers
 * with `statusFor(n)` for the n-th delivery (1-based); `null` never answers.
 */
export async function startReceiver(
  webhook: { username: string; secret: string },
  statusFor: (n: number) => number | null = () => 200,
  path = '/hooks/ingo?program=test',
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      const verification = verifyRequest({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        secretFor: (username) => (username === webhook.username ? webhook.secret : undefined),
      });
      received.push({
        delivery: JSON.parse(body.toString('utf8')) as WebhookDelivery,
        verification,
        path: req.url ?? '',
      });
      const status = statusFor(received.length);
      if (status === null) return;
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Seed 000's applicant: the sandbox runs with uniqueEmails off, so every test may reuse her. */
export const JANE = applicantRequest();

/** Creates a user and returns its id. */
export async function createUser(
  t: TestSandbox,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const reply = await t.banking('/api/v4/user/create', { ...JANE, ...overrides });
  if (reply.status !== 200) throw new Error(`create failed: ${JSON.stringify(reply.body)}`);
  return reply.body.data.user_id as string;
}

export async function submitKyc(t: TestSandbox, userId: string, ssn: string) {
  return t.banking('/api/v4/user/send-verification-request', {
    user_id: userId,
    ssn,
    date_of_birth: '1985-06-15',
  });
}

export async function kycStatus(t: TestSandbox, userId: string): Promise<unknown> {
  const reply = await t.banking('/api/v4/user/check-verification-request', { user_id: userId });
  return reply.body.data.kyc_status;
}
