import type { OnboardingApiClient } from '../src/api/client';
import { OnboardingApiError } from '../src/api/client-errors';
import type { ApiStepError, OnboardingListItem, OnboardingView } from '../src/api/schemas';
import { RetryCounter, transientReason, withApiRetry } from './api-retry';
import type { SandboxAdminClient } from '../dev/sandbox/admin-client';

/**
 * The operator on duty: handles each onboarding parked in `needs_attention` (the watch,
 * chaos/watch.ts, hands over the listing) as docs/RUNBOOK.md says for its cause, and only where it
 * says an operator acts. Every action is an intervention, counted by cause. A cause the runbook
 * resolves otherwise (cancel, fix configuration, settle with Ingo) is not expected from faults and
 * crashes: it is reported, and the onboarding left alone.
 */

/** Ingo was unavailable through every attempt: "retry once Ingo answers again". */
const TRANSIENT_CAUSES = new Set([
  'IngoServerError',
  'IngoRateLimitError',
  'IngoInProgressError',
  'IngoNetworkError',
  'Timeout',
]);

export const ACCOUNT_ISSUED = 'account.issue.created';

export type OperatorAction = 'retry' | 'redeliver' | 'left_alone';

export interface Intervention {
  signupId: string;
  cause: string;
  step: string;
  action: OperatorAction;
  atMs: number;
}

/** What the runbook says for a parked onboarding, given what Ingo holds for its user. */
export function runbookAction(
  cause: string,
  ingo: { routableAccounts: number; accountEvents: number } | undefined,
): OperatorAction {
  if (TRANSIENT_CAUSES.has(cause) || cause === 'KycDeadlineExceeded') return 'retry';
  if (cause === 'IngoOutcomeUnknown' && ingo !== undefined) {
    // None issued: a retry issues one.
    if (ingo.routableAccounts === 0) return 'retry';
    // One issued: never a retry (a second account); Ingo sends its account.issue.created again,
    // which the onboarding adopts. Without such an event only Ingo can settle it.
    if (ingo.accountEvents > 0) return 'redeliver';
  }
  return 'left_alone';
}

/** Give Ingo's webhook (retried for minutes) a moment to settle a step before stepping in. */
const SETTLE_MS = 10_000;
/** After acting, give the action (a redelivery, a retried step) time to show before acting again. */
const ACTED_MS = 30_000;

export class Operator {
  readonly interventions: Intervention[] = [];
  readonly retries = new RetryCounter();
  /** Onboardings whose cause no operator action fixes: not waited for. */
  readonly leftAlone = new Set<string>();
  private readonly lastActed = new Map<string, number>();

  constructor(
    private readonly api: OnboardingApiClient,
    private readonly admin: SandboxAdminClient,
    private readonly runStart: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Every running onboarding of the `needs_attention` listing, handled. */
  async handle(parked: readonly OnboardingListItem[]): Promise<void> {
    for (const item of parked) {
      if (item.closedAt === null) await this.handleOne(item.signupId);
    }
  }

  private async handleOne(signupId: string): Promise<void> {
    if (this.leftAlone.has(signupId)) return;
    if (Date.now() - (this.lastActed.get(signupId) ?? 0) < ACTED_MS) return;
    const view = await withApiRetry(() => this.api.get(signupId), this.retries);
    const error = view.lastError;
    if (view.status !== 'needs_attention' || error === null) return;
    if (Date.now() - Date.parse(error.at) < SETTLE_MS) return;

    const ingo = await this.ingoFacts(view);
    const action = runbookAction(error.type, ingo);
    this.lastActed.set(signupId, Date.now());
    this.interventions.push({
      signupId,
      cause: error.type,
      step: error.step,
      action,
      atMs: Date.now() - this.runStart,
    });
    this.log(`operator: ${signupId} parked at ${error.step} (${error.type}): ${action}`);
    switch (action) {
      case 'retry':
        await this.retry(signupId, error.step);
        return;
      case 'redeliver':
        for (const event of ingo?.events ?? []) await this.admin.redeliver(event);
        return;
      case 'left_alone':
        this.leftAlone.add(signupId);
    }
  }

  /** For an unknown outcome of the account issue: what Ingo holds for the user. */
  private async ingoFacts(view: OnboardingView) {
    if (view.lastError?.type !== 'IngoOutcomeUnknown' || view.ingoUserId === null) return undefined;
    const user = await this.admin.user(view.ingoUserId);
    const events = await this.admin.webhooks({
      userId: view.ingoUserId,
      eventType: ACCOUNT_ISSUED,
    });
    return {
      routableAccounts: user.routable_accounts.length,
      accountEvents: events.length,
      events: events.map((event) => event.event_id),
    };
  }

  private async retry(signupId: string, step: ApiStepError['step']): Promise<void> {
    try {
      await this.api.retry(signupId, { step });
    } catch (error) {
      const reason = transientReason(error);
      // 504: it may still be carried out; 409: settled meanwhile. The next look tells.
      if (reason !== undefined) this.retries.count(reason);
      else if (!(error instanceof OnboardingApiError && error.status === 409)) throw error;
    }
  }
}
