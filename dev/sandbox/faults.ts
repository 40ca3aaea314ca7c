import { z } from 'zod';

/**
 * Injected faults (INGO-API.md section 5). Request faults (errors, rate limiting, latency, lost
 * responses) can be scoped to some paths; webhook faults always apply to every delivery.
 */

const rate = z.number().min(0).max(1);

/** `/api/v4/user/create` matches itself only; `/gateway/*` matches every path under `/gateway/`. */
const pathPattern = z.string().regex(/^\/[^\s?]*$/, 'must be a path starting with /, no query');

export const faultSettings = z.strictObject({
  errorRate: rate,
  /** Banking only: answer 429 RATE_LIMITED with Retry-After (the gateway documents no such status). */
  rateLimitRate: rate,
  lostResponseRate: rate,
  latencyMs: z.number().int().min(0).max(60_000),
  dropWebhookRate: rate,
  duplicateWebhookRate: rate,
  reorderWebhooks: z.boolean(),
  /** Request faults apply only to these paths; null means every signed path. */
  paths: z.array(pathPattern).min(1).nullable(),
});
export type FaultSettings = z.output<typeof faultSettings>;

/** Every fault off: the sandbox as a well-behaved Ingo. */
export const NO_FAULTS: FaultSettings = {
  errorRate: 0,
  rateLimitRate: 0,
  lostResponseRate: 0,
  latencyMs: 0,
  dropWebhookRate: 0,
  duplicateWebhookRate: 0,
  reorderWebhooks: false,
  paths: null,
};

/** `PUT /_sandbox/faults`: the fields given replace the current ones, the others stay. */
export const faultsUpdate = faultSettings.partial();
export type FaultsUpdate = z.output<typeof faultsUpdate>;

type RequestRate = 'errorRate' | 'rateLimitRate' | 'lostResponseRate';
type WebhookRate = 'dropWebhookRate' | 'duplicateWebhookRate';

/**
 * How often each fault struck since start (or the last reset), for `GET /_sandbox/stats`: what a
 * test or the chaos run actually got, whatever the rates promised.
 */
export interface FaultCounts {
  /** Calls refused with a transient 5xx (`errorRate`). */
  errors: number;
  /** Banking calls refused with 429 (`rateLimitRate`). */
  rateLimits: number;
  /** Calls carried out whose answer was then dropped (`lostResponseRate`). */
  lostResponses: number;
  /** Calls that waited `latencyMs` first. */
  delayedCalls: number;
  /** Webhook deliveries never sent (`dropWebhookRate`). */
  droppedWebhooks: number;
  /** Events given one extra delivery (`duplicateWebhookRate`). */
  duplicatedWebhooks: number;
  /** Deliveries that waited a random 0-1 s first (`reorderWebhooks`). */
  reorderedWebhooks: number;
}

export const NO_FAULT_COUNTS: FaultCounts = {
  errors: 0,
  rateLimits: 0,
  lostResponses: 0,
  delayedCalls: 0,
  droppedWebhooks: 0,
  duplicatedWebhooks: 0,
  reorderedWebhooks: 0,
};

const COUNTED: Record<RequestRate | WebhookRate, keyof FaultCounts> = {
  errorRate: 'errors',
  rateLimitRate: 'rateLimits',
  lostResponseRate: 'lostResponses',
  dropWebhookRate: 'droppedWebhooks',
  duplicateWebhookRate: 'duplicatedWebhooks',
};

export class Faults {
  private current: FaultSettings;
  private struck: FaultCounts = { ...NO_FAULT_COUNTS };

  constructor(private readonly initial: FaultSettings) {
    this.current = { ...initial };
  }

  /** How often each fault struck since start or the last reset. */
  get counts(): FaultCounts {
    return { ...this.struck };
  }

  get settings(): FaultSettings {
    return { ...this.current };
  }

  update(patch: FaultsUpdate): FaultSettings {
    this.current = { ...this.current, ...patch };
    return this.settings;
  }

  reset(): void {
    this.current = { ...this.initial };
    this.struck = { ...NO_FAULT_COUNTS };
  }

  /** Whether a request fault strikes this call. */
  strikes(fault: RequestRate, path: string): boolean {
    return this.count(fault, this.inScope(path) && this.roll(this.current[fault]));
  }

  /** The delay a call waits first; asked once per call, which is what is counted. */
  latencyMs(path: string): number {
    const ms = this.inScope(path) ? this.current.latencyMs : 0;
    if (ms > 0) this.struck.delayedCalls += 1;
    return ms;
  }

  strikesWebhook(fault: WebhookRate): boolean {
    return this.count(fault, this.roll(this.current[fault]));
  }

  /** Extra delay before a webhook's first attempt, so later events can overtake earlier ones. */
  reorderDelayMs(): number {
    if (!this.current.reorderWebhooks) return 0;
    this.struck.reorderedWebhooks += 1;
    return Math.floor(Math.random() * 1000);
  }

  private count(fault: RequestRate | WebhookRate, struck: boolean): boolean {
    if (struck) this.struck[COUNTED[fault]] += 1;
    return struck;
  }

  private roll(rate: number): boolean {
    // `Math.random() < 1` always holds, so a rate of 1 is certain and 0 never strikes.
    return rate > 0 && Math.random() < rate;
  }

  private inScope(path: string): boolean {
    const { paths } = this.current;
    if (paths === null) return true;
    return paths.some((pattern) =>
      pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern,
    );
  }
}
