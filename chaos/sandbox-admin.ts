import { z } from 'zod';
import { sleep } from './time';
import { SandboxAdminError } from '../dev/demo/sandbox-admin';

/**
 * The sandbox's admin API as the chaos run uses it (docs/SANDBOX.md): what Ingo holds (stats,
 * users, webhook events), the faults, and Ingo's side of the people in the story (a compliance
 * decision on a manual review, a redelivery an operator asks for). Unsigned; every answer
 * validated. The sandbox is never restarted, so a failed call is retried a few times only.
 */

const count = z.number().int();

export const sandboxStats = z.object({
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

export const sandboxUser = z.object({
  id: z.string(),
  email: z.string(),
  kyc_status: z.string(),
  meta_data: z.array(z.object({ name: z.string(), value: z.string() })),
  routable_accounts: z.array(z.object({ id: z.string() })),
  bank_accounts: z.array(z.object({ id: z.string() })),
});
export type SandboxUser = z.output<typeof sandboxUser>;

export const DELIVERY_STATES = [
  'waiting_for_url',
  'scheduled',
  'in_flight',
  'delivered',
  'failed',
  'dropped',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const webhookEvent = z.object({
  event_id: z.string(),
  event: z.string(),
  user_id: z.string(),
  deliveries: z.array(z.object({ state: z.enum(DELIVERY_STATES), attempts: count })),
});
export type WebhookEvent = z.output<typeof webhookEvent>;

const webhookEvents = z.object({ events: z.array(webhookEvent) });
const decision = z.object({ user_id: z.string(), kyc_status: z.string() });
const redelivery = z.object({ event_id: z.string() });

export class SandboxAdmin {
  private readonly base: string;

  constructor(sandboxUrl: string) {
    this.base = `${sandboxUrl.replace(/\/+$/, '')}/_sandbox`;
  }

  stats(): Promise<SandboxStats> {
    return this.send('GET', '/stats', sandboxStats);
  }

  user(userId: string): Promise<SandboxUser> {
    return this.send('GET', `/users/${encodeURIComponent(userId)}`, sandboxUser);
  }

  async webhooks(filter: { userId?: string; eventType?: string } = {}): Promise<WebhookEvent[]> {
    const query = new URLSearchParams();
    if (filter.userId) query.set('user_id', filter.userId);
    if (filter.eventType) query.set('event_type', filter.eventType);
    const search = query.size > 0 ? `?${query.toString()}` : '';
    return (await this.send('GET', `/webhooks${search}`, webhookEvents)).events;
  }

  async putFaults(patch: Record<string, unknown>): Promise<void> {
    await this.send('PUT', '/faults', z.unknown(), patch);
  }

  /** Ingo's compliance team deciding a review it holds (SSN ending 2222). */
  async decide(userId: string, status: 'verified' | 'failed'): Promise<string> {
    const path = `/kyc/${encodeURIComponent(userId)}/decision`;
    return (await this.send('POST', path, decision, { status })).kyc_status;
  }

  /** What an operator asks Ingo for: one more delivery of a recorded event. */
  async redeliver(eventId: string): Promise<void> {
    await this.send('POST', `/webhooks/${encodeURIComponent(eventId)}/redeliver`, redelivery);
  }

  private async send<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${this.base}${path}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(500 * attempt);
        continue;
      }
      const json: unknown = await response.json().catch(() => undefined);
      if (!response.ok) {
        const parsed = z
          .object({ message: z.string(), error: z.object({ code: z.string() }) })
          .safeParse(json);
        throw new SandboxAdminError(
          response.status,
          parsed.success ? parsed.data.error.code : undefined,
          `${method} /_sandbox${path}: ${response.status} ${parsed.success ? parsed.data.message : ''}`,
        );
      }
      return schema.parse(json);
    }
  }
}
