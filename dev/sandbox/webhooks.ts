import type { Logger } from 'pino';
import { signRequest } from '../../src/ingo/signing';
import type { WebhookDelivery } from '../../src/ingo/schemas/webhook';
import type { Faults } from './faults';
import type { Timers } from './timers';

/**
 * Webhook deliveries to the program (INGO-API.md sections 3 and 5): signed like an API request with
 * the webhook secret, retried with exponential backoff and jitter on non-2xx or network failure, at
 * least once and unordered. Faults can drop, duplicate or reorder deliveries. Events are recorded
 * even without a URL; their deliveries wait until one is set. An operator can have an event sent
 * again, as one asks Ingo to when a webhook went missing.
 */

export interface WebhooksConfig {
  url: string | undefined;
  /** The HMAC username deliveries are signed with (the program's), and the webhook secret. */
  username: string;
  secret: string;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  now: () => Date;
}

type DeliveryState =
  'waiting_for_url' | 'scheduled' | 'in_flight' | 'delivered' | 'failed' | 'dropped';

/** One copy of an event on its way to the receiver; duplicates are separate deliveries. */
interface Delivery {
  state: DeliveryState;
  attempts: number;
  /** Reordering's extra wait before the first attempt. */
  firstDelayMs: number;
  lastHttpStatus?: number;
  lastError?: string;
}

interface RecordedEvent {
  envelope: WebhookDelivery;
  /** Serialised once, so every copy and retry carries the same bytes. */
  body: Buffer;
  deliveries: Delivery[];
}

export interface WebhookStats {
  /** Deliveries posted at least once. */
  sent: number;
  delivered: number;
  /** Deliveries given up after the last attempt. */
  failed: number;
  /** Deliveries still to be made: waiting for a URL, for their next attempt, or in flight. */
  pending: number;
  dropped: number;
  /** HTTP requests made, retries included. */
  attempts: number;
}

/** What the admin API shows of a delivery. */
interface DeliveryView {
  state: DeliveryState;
  attempts: number;
  last_http_status: number | null;
  last_error: string | null;
}

const view = (delivery: Delivery): DeliveryView => ({
  state: delivery.state,
  attempts: delivery.attempts,
  last_http_status: delivery.lastHttpStatus ?? null,
  last_error: delivery.lastError ?? null,
});

/** `GET /_sandbox/webhooks` filters; each given one must match. */
export interface WebhookFilter {
  userId?: string;
  eventType?: string;
}

const PENDING_STATES: readonly DeliveryState[] = ['waiting_for_url', 'scheduled', 'in_flight'];

export class Webhooks {
  private events: RecordedEvent[] = [];
  private url: string | undefined;
  private readonly inFlight = new Set<AbortController>();
  /** Bumped on reset and close, so an attempt finishing afterwards does not schedule a retry. */
  private generation = 0;

  constructor(
    private readonly config: WebhooksConfig,
    private readonly faults: Faults,
    private readonly timers: Timers,
    private readonly log: Logger,
  ) {
    this.url = config.url;
  }

  get webhookUrl(): string | undefined {
    return this.url;
  }

  /** Changes the receiver; deliveries that waited for one start now. */
  setUrl(url: string | undefined): void {
    this.url = url;
    if (url === undefined) return;
    for (const event of this.events) {
      for (const delivery of event.deliveries) {
        if (delivery.state === 'waiting_for_url') {
          this.schedule(event, delivery, delivery.firstDelayMs);
        }
      }
    }
  }

  /** Records an event and sends it `copies` times (0: recorded, never sent). */
  emit(envelope: WebhookDelivery, copies: number): void {
    const event: RecordedEvent = {
      envelope,
      body: Buffer.from(JSON.stringify(envelope), 'utf8'),
      deliveries: [],
    };
    this.events.push(event);
    const total =
      copies > 0 && this.faults.strikesWebhook('duplicateWebhookRate') ? copies + 1 : copies;
    for (let copy = 0; copy < total; copy += 1) this.deliver(event);
  }

  /**
   * Sends a recorded event once more, as an operator asks Ingo to (same bytes, a delivery of its
   * own, subject to the drop and reorder faults). Undefined for an unknown event id.
   */
  redeliver(eventId: string): Record<string, unknown> | undefined {
    const event = this.events.find((recorded) => recorded.envelope.data.event_id === eventId);
    if (event === undefined) return undefined;
    this.log.info({ eventId }, 'webhook redelivery requested');
    const delivery = view(this.deliver(event));
    return { event_id: eventId, event: event.envelope.event, delivery };
  }

  stats(): WebhookStats {
    const deliveries = this.events.flatMap((event) => event.deliveries);
    const count = (predicate: (delivery: Delivery) => boolean) =>
      deliveries.filter(predicate).length;
    return {
      sent: count((d) => d.attempts > 0),
      delivered: count((d) => d.state === 'delivered'),
      failed: count((d) => d.state === 'failed'),
      pending: count((d) => PENDING_STATES.includes(d.state)),
      dropped: count((d) => d.state === 'dropped'),
      attempts: deliveries.reduce((sum, d) => sum + d.attempts, 0),
    };
  }

  /** The admin view: events and their deliveries, ids and outcomes only, oldest first. */
  list(filter: WebhookFilter = {}): Record<string, unknown>[] {
    return this.events
      .filter(
        ({ envelope }) =>
          (filter.userId === undefined || envelope.data.user_id === filter.userId) &&
          (filter.eventType === undefined || envelope.event === filter.eventType),
      )
      .map(({ envelope, deliveries }) => ({
        event_id: envelope.data.event_id,
        event: envelope.event,
        user_id: envelope.data.user_id,
        status: envelope.data.status,
        created_at: envelope.created_at,
        deliveries: deliveries.map(view),
      }));
  }

  /** Aborts deliveries in flight; their timers belong to the shared Timers, cancelled by the owner. */
  stop(): void {
    this.generation += 1;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  reset(): void {
    this.stop();
    this.events = [];
    this.url = this.config.url;
  }

  /** A new delivery of the event: dropped by the fault, waiting for a URL, or scheduled. */
  private deliver(event: RecordedEvent): Delivery {
    const delivery: Delivery = {
      state: 'waiting_for_url',
      attempts: 0,
      firstDelayMs: this.faults.reorderDelayMs(),
    };
    event.deliveries.push(delivery);
    if (this.faults.strikesWebhook('dropWebhookRate')) {
      delivery.state = 'dropped';
      this.log.info(
        { eventId: event.envelope.data.event_id },
        'webhook delivery dropped (injected fault)',
      );
    } else if (this.url !== undefined) {
      this.schedule(event, delivery, delivery.firstDelayMs);
    }
    return delivery;
  }

  private schedule(event: RecordedEvent, delivery: Delivery, ms: number): void {
    delivery.state = 'scheduled';
    const generation = this.generation;
    this.timers.schedule(ms, () => this.attempt(event, delivery, generation));
  }

  private async attempt(
    event: RecordedEvent,
    delivery: Delivery,
    generation: number,
  ): Promise<void> {
    const url = this.url;
    if (url === undefined) {
      delivery.state = 'waiting_for_url';
      return;
    }
    delivery.state = 'in_flight';
    delivery.attempts += 1;
    const ok = await this.post(url, event.body, delivery);
    if (generation !== this.generation) return;

    const log = { eventId: event.envelope.data.event_id, attempt: delivery.attempts };
    if (ok) {
      delivery.state = 'delivered';
      this.log.info(log, 'webhook delivered');
    } else if (delivery.attempts >= this.config.maxAttempts) {
      delivery.state = 'failed';
      this.log.warn(log, 'webhook delivery failed, giving up');
    } else {
      this.log.info(log, 'webhook delivery failed, will retry');
      this.schedule(event, delivery, this.backoffMs(delivery.attempts));
    }
  }

  /** One signed POST; true on any 2xx. */
  private async post(url: string, body: Buffer, delivery: Delivery): Promise<boolean> {
    const target = new URL(url);
    const headers = signRequest({
      method: 'POST',
      path: target.pathname + target.search,
      body,
      username: this.config.username,
      secret: this.config.secret,
      date: this.config.now(),
    });
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.config.timeoutMs);
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers,
        body,
        signal: controller.signal,
        redirect: 'manual',
      });
      // Drained so the connection can be reused; the receiver's answer body means nothing here.
      await response.arrayBuffer();
      delivery.lastHttpStatus = response.status;
      delivery.lastError = undefined;
      return response.ok;
    } catch (error) {
      delivery.lastError = controller.signal.aborted ? 'timed out or aborted' : describe(error);
      return false;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
  }

  /** Exponential, capped, with "equal jitter": at least half the step, so retries keep spreading. */
  private backoffMs(attempts: number): number {
    const step = Math.min(this.config.retryMaxMs, this.config.retryBaseMs * 2 ** (attempts - 1));
    return Math.round(step / 2 + (Math.random() * step) / 2);
  }
}

/** fetch wraps the reason in `cause`: prefer its code (ECONNREFUSED), then its message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return typeof cause?.message === 'string' ? cause.message : error.message;
}
