import { z } from 'zod';

/**
 * Injected faults (INGO-API.md section 5). Request faults (errors, rate limiting, latency, lost
 * responses) can be scoped to some paths; webhook faults always apply to every delivery.
 */

const rate = z.number().min(0).max(1);

/** `/api/v4/user/create` matches itself only; `/gateway/*` matches every path under `/gateway/`. */
const pathPattern = z.string().regex(/^\/[^\s?]*$/, 'must be a path starting with /, no query');

const faultSettings = z.strictObject({
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

/** `PUT /_sandbox/faults`: the fields given replace the current ones, the others stay. */
export const faultsUpdate = faultSettings.partial();
export type FaultsUpdate = z.output<typeof faultsUpdate>;

type RequestRate = 'errorRate' | 'rateLimitRate' | 'lostResponseRate';
type WebhookRate = 'dropWebhookRate' | 'duplicateWebhookRate';

export class Faults {
  private current: FaultSettings;

  constructor(private readonly initial: FaultSettings) {
    this.current = { ...initial };
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
  }

  /** Whether a request fault strikes this call. */
  strikes(fault: RequestRate, path: string): boolean {
    return this.inScope(path) && this.roll(this.current[fault]);
  }

  latencyMs(path: string): number {
    return this.inScope(path) ? this.current.latencyMs : 0;
  }

  strikesWebhook(fault: WebhookRate): boolean {
    return this.roll(this.current[fault]);
  }

  /** Extra delay before a webhook's first attempt, so later events can overtake earlier ones. */
  reorderDelayMs(): number {
    return this.current.reorderWebhooks ? Math.floor(Math.random() * 1000) : 0;
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
