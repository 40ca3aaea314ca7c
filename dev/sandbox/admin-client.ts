import { z } from 'zod';
import { describeIssues, fieldIssues } from '../../src/validation';
import { faultSettings, type FaultSettings, type FaultsUpdate } from './faults';

/**
 * The one client of the sandbox's admin API (`/_sandbox`, admin-router.ts, docs/SANDBOX.md), for
 * whoever drives the sandbox from outside: the demo, the chaos run, the benchmarks and the tests.
 * Unsigned plain fetch; every answer is validated, so a sandbox of another version is named, not
 * misread. A call the sandbox refuses throws `SandboxAdminError`, one it never answers (after
 * `attempts` tries) `SandboxUnreachableError`.
 */

const count = z.number().int();

const sandboxStats = z.object({
  usersCreated: count,
  accountsIssued: count,
  bankAccountsLinked: count,
  tokensIssued: count,
  calls: z.record(z.string(), count),
  webhooks: z.object({
    sent: count,
    delivered: count,
    failed: count,
    pending: count,
    dropped: count,
    attempts: count,
  }),
  faults: z.object({
    errors: count,
    rateLimits: count,
    lostResponses: count,
    delayedCalls: count,
    droppedWebhooks: count,
    duplicatedWebhooks: count,
    reorderedWebhooks: count,
  }),
});
export type SandboxStats = z.output<typeof sandboxStats>;
export type FaultCounts = SandboxStats['faults'];

/** An account as the admin API shows it: its number masked to the last four digits. */
const maskedAccount = z.object({ id: z.string(), account_number_last_4: z.string() });

const sandboxUser = z.object({
  id: z.string(),
  email: z.string(),
  kyc_status: z.string(),
  meta_data: z.array(z.object({ name: z.string(), value: z.string() })),
  routable_accounts: z.array(maskedAccount),
  bank_accounts: z.array(maskedAccount),
});
export type SandboxUser = z.output<typeof sandboxUser>;

const DELIVERY_STATES = [
  'waiting_for_url',
  'scheduled',
  'in_flight',
  'delivered',
  'failed',
  'dropped',
] as const;

const webhookEvent = z.object({
  event_id: z.string(),
  event: z.string(),
  user_id: z.string(),
  deliveries: z.array(z.object({ state: z.enum(DELIVERY_STATES), attempts: count })),
});
export type WebhookEvent = z.output<typeof webhookEvent>;

const webhookEvents = z.object({ events: z.array(webhookEvent) });
const decision = z.object({ user_id: z.string(), kyc_status: z.string() });
const redelivery = z.object({ event_id: z.string() });
const sandboxSettings = z.object({ webhookUrl: z.string().nullable(), kycDelayMs: count });
export type SandboxSettings = z.output<typeof sandboxSettings>;
const resetDone = z.object({ reset: z.literal(true) });

/** The sandbox's error body (the Banking Platform's). */
const errorBody = z.object({
  message: z.string(),
  error: z.object({ code: z.string() }),
});

/** The sandbox answered, but not with success (or not with what it answers). */
export class SandboxAdminError extends Error {
  override readonly name = 'SandboxAdminError';
  constructor(
    readonly status: number,
    /** Ingo's error code (`INVALID_STATE`, `NOT_FOUND`…) when the body had one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** No answer at all. */
export class SandboxUnreachableError extends Error {
  override readonly name = 'SandboxUnreachableError';
  constructor(
    readonly url: string,
    /** ECONNREFUSED, a timeout… */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach ${url} (${reason})`, options);
  }
}

/** What fetch's "fetch failed" hides: ECONNREFUSED, ENOTFOUND… */
export function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const { code } = cause as { code?: unknown };
    return typeof code === 'string' ? code : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export type AdminMethod = 'GET' | 'POST' | 'PUT';

/** One answer as it came, unvalidated (`body` undefined when it was not JSON). */
export interface AdminReply {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface SandboxAdminClientOptions {
  fetch?: typeof fetch;
  /** How long one try may take (default 5 s). */
  timeoutMs?: number;
  /** Tries when there is no answer at all, 0.5 s × n apart (default 1: no retry). */
  attempts?: number;
}

export class SandboxAdminClient {
  private readonly adminUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly attempts: number;

  constructor(sandboxUrl: string, options: SandboxAdminClientOptions = {}) {
    this.adminUrl = `${sandboxUrl.replace(/\/+$/, '')}/_sandbox`;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.attempts = options.attempts ?? 1;
  }

  /** Where a call goes, for messages. */
  url(path: string): string {
    return `${this.adminUrl}${path}`;
  }

  stats(): Promise<SandboxStats> {
    return this.send('GET', '/stats', sandboxStats);
  }

  /** The user as the sandbox holds it, its accounts included (masked, SSN last four only). */
  user(userId: string): Promise<SandboxUser> {
    return this.send('GET', `/users/${encodeURIComponent(userId)}`, sandboxUser);
  }

  /** Every webhook event recorded (or those of one user, of one type) with its deliveries. */
  async webhooks(filter: { userId?: string; eventType?: string } = {}): Promise<WebhookEvent[]> {
    const query = new URLSearchParams();
    if (filter.userId) query.set('user_id', filter.userId);
    if (filter.eventType) query.set('event_type', filter.eventType);
    const search = query.size > 0 ? `?${query.toString()}` : '';
    return (await this.send('GET', `/webhooks${search}`, webhookEvents)).events;
  }

  faults(): Promise<FaultSettings> {
    return this.send('GET', '/faults', faultSettings);
  }

  /** The fields given replace the current ones, the others stay; answers the faults now. */
  putFaults(patch: FaultsUpdate): Promise<FaultSettings> {
    return this.send('PUT', '/faults', faultSettings, patch);
  }

  settings(): Promise<SandboxSettings> {
    return this.send('GET', '/settings', sandboxSettings);
  }

  /** Forgets everything: data, stats, events, faults and settings. */
  async reset(): Promise<void> {
    await this.send('POST', '/reset', resetDone);
  }

  /** Ingo's compliance team deciding a review it holds (SSN ending 2222); answers the status. */
  async decide(userId: string, status: 'verified' | 'failed'): Promise<string> {
    const path = `/kyc/${encodeURIComponent(userId)}/decision`;
    return (await this.send('POST', path, decision, { status })).kyc_status;
  }

  /** What an operator asks Ingo for: one more delivery of a recorded event. */
  async redeliver(eventId: string): Promise<void> {
    await this.send('POST', `/webhooks/${encodeURIComponent(eventId)}/redeliver`, redelivery);
  }

  /**
   * Any call, its answer as it came, refusals included: for tests of the admin API itself. Throws
   * only when there is no answer.
   */
  async reply(method: AdminMethod, path: string, body?: unknown): Promise<AdminReply> {
    const where = this.url(path);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await this.fetchImpl(where, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const json: unknown = await response.json().catch(() => undefined);
        return { status: response.status, headers: response.headers, body: json };
      } catch (error) {
        if (attempt >= this.attempts) {
          throw new SandboxUnreachableError(where, networkReason(error), { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  private async send<S extends z.ZodType>(
    method: AdminMethod,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const reply = await this.reply(method, path, body);
    const where = this.url(path);
    if (reply.status < 200 || reply.status > 299) {
      const refusal = errorBody.safeParse(reply.body);
      throw new SandboxAdminError(
        reply.status,
        refusal.data?.error.code,
        `${method} ${where} answered ${reply.status}` +
          (refusal.success ? ` ${refusal.data.error.code}: ${refusal.data.message}` : ''),
      );
    }
    const parsed = schema.safeParse(reply.body);
    if (!parsed.success) {
      throw new SandboxAdminError(
        reply.status,
        undefined,
        `${method} ${where} answered something that is not the sandbox's: ` +
          describeIssues(fieldIssues(parsed.error)),
      );
    }
    return parsed.data;
  }
}
