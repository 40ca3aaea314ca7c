import { z } from 'zod';
import { describeIssues, fieldIssues } from '../../src/validation';
import type { IngoFacts } from './outcome';

/**
 * The few calls the demo makes to the Ingo sandbox's admin API (`/_sandbox`, docs/SANDBOX.md):
 * is it there, decide a manual review, and what happened at Ingo for a user. Unsigned plain
 * fetch; every answer is validated, so a sandbox of another version is named, not misread.
 */

const stats = z.object({
  usersCreated: z.number(),
  accountsIssued: z.number(),
  webhooks: z.object({ sent: z.number(), delivered: z.number(), pending: z.number() }),
});
export type SandboxStats = z.output<typeof stats>;

const decision = z.object({ user_id: z.string(), kyc_status: z.string() });

const user = z.object({
  id: z.string(),
  kyc_status: z.string(),
  routable_accounts: z.array(z.object({ id: z.string() })),
});

const webhookEvents = z.object({
  events: z.array(
    z.object({
      event_id: z.string(),
      user_id: z.string(),
      deliveries: z.array(z.object({ state: z.string() })),
    }),
  ),
});

/** The sandbox's error body (the Banking Platform's). */
const errorBody = z.object({
  message: z.string(),
  error: z.object({ code: z.string() }),
});

/** The sandbox answered, but not with success. */
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

const TIMEOUT_MS = 5_000;

/** What the demo uses of the admin API (tests pass a fake). */
export type SandboxAdminApi = Pick<SandboxAdmin, 'url' | 'stats' | 'decide' | 'facts'>;

export class SandboxAdmin {
  private readonly adminUrl: string;

  constructor(
    sandboxUrl: string,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {
    this.adminUrl = `${sandboxUrl.replace(/\/+$/, '')}/_sandbox`;
  }

  /** Where a call goes, for messages. */
  url(path: string): string {
    return `${this.adminUrl}${path}`;
  }

  stats(): Promise<SandboxStats> {
    return this.send('GET', '/stats', stats);
  }

  /** An operator's decision on a review the sandbox keeps open (SSN ending 2222). */
  async decide(ingoUserId: string, status: 'verified' | 'failed'): Promise<string> {
    const path = `/kyc/${encodeURIComponent(ingoUserId)}/decision`;
    return (await this.send('POST', path, decision, { status })).kyc_status;
  }

  async facts(ingoUserId: string): Promise<IngoFacts> {
    const [account, list] = await Promise.all([
      this.send('GET', `/users/${encodeURIComponent(ingoUserId)}`, user),
      this.send('GET', '/webhooks', webhookEvents),
    ]);
    const sent = list.events
      .filter((event) => event.user_id === ingoUserId)
      .flatMap((event) => event.deliveries)
      .filter((delivery) => delivery.state !== 'dropped').length;
    return { webhooksSent: sent, routableAccounts: account.routable_accounts.length };
  }

  private async send<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const where = this.url(path);
    let response: Response;
    let json: unknown;
    try {
      response = await this.fetchImpl(where, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      json = await response.json().catch(() => undefined);
    } catch (error) {
      throw new SandboxUnreachableError(where, networkReason(error), { cause: error });
    }
    if (!response.ok) {
      const refusal = errorBody.safeParse(json);
      throw new SandboxAdminError(
        response.status,
        refusal.data?.error.code,
        `${method} ${where} answered ${response.status}` +
          (refusal.success ? ` ${refusal.data.error.code}: ${refusal.data.message}` : ''),
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new SandboxAdminError(
        response.status,
        undefined,
        `${method} ${where} answered something that is not the sandbox's: ` +
          describeIssues(fieldIssues(parsed.error)),
      );
    }
    return parsed.data;
  }
}
