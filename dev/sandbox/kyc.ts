import type { Logger } from 'pino';
import type { KycStatus } from '../../src/ingo/kyc-status';
import { RequestError } from './request-error';
import type { SandboxState, SandboxUser } from './state';
import type { Timers } from './timers';
import { kycEvent, type KycDecision } from './webhook-event';
import type { Webhooks } from './webhooks';

/**
 * KYC reviews. The outcome is chosen by the SSN's last four digits (INGO-API.md section 5), so a
 * test or demo picks its scenario through the data it submits.
 */

interface SsnScenario {
  /** `operator`: stays in review until decided through the admin API. */
  decision: KycDecision | 'operator';
  /** How many times the outcome's webhook is delivered (0: never, to exercise polling). */
  webhookCopies: number;
}

function scenarioForSsn(lastFour: string | undefined): SsnScenario {
  switch (lastFour) {
    case '0000':
      return { decision: 'failed', webhookCopies: 1 };
    case '1111':
      return { decision: 'verified', webhookCopies: 0 };
    case '2222':
      return { decision: 'operator', webhookCopies: 1 };
    case '3333':
      return { decision: 'verified', webhookCopies: 3 };
    default:
      return { decision: 'verified', webhookCopies: 1 };
  }
}

/** A submission is allowed first, after a failure, and during review (corrected data restarts it). */
const SUBMITTABLE: readonly KycStatus[] = ['not_started', 'failed', 'in_review'];

export class KycReviews {
  /** The automatic decision waiting for each user in review. */
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** How long an automatic review takes; changeable at runtime through the admin API. */
  delayMs: number;

  constructor(
    private readonly state: SandboxState,
    private readonly webhooks: Webhooks,
    private readonly timers: Timers,
    private readonly log: Logger,
    private readonly now: () => Date,
    private readonly initialDelayMs: number,
  ) {
    this.delayMs = initialDelayMs;
  }

  submit(userId: string, ssn: string): SandboxUser {
    const user = this.state.user(userId);
    if (!SUBMITTABLE.includes(user.kycStatus)) {
      throw new RequestError('invalid_state', `user is already ${user.kycStatus}`, {
        user_id: userId,
        kyc_status: user.kycStatus,
      });
    }
    // A resubmission supersedes whatever the previous one would have decided.
    this.timers.cancel(this.pending.get(userId));
    this.pending.delete(userId);
    user.kycStatus = 'in_review';
    user.ssnLastFour = ssn.slice(-4);

    const { decision } = scenarioForSsn(user.ssnLastFour);
    if (decision !== 'operator') {
      const timer = this.timers.schedule(this.delayMs, () => {
        this.pending.delete(userId);
        this.conclude(user, decision);
      });
      this.pending.set(userId, timer);
    }
    this.log.info({ userId, scenario: decision }, 'kyc review started');
    return user;
  }

  /** An operator's decision on a user in review. */
  decide(userId: string, decision: KycDecision): SandboxUser {
    const user = this.state.user(userId);
    if (user.kycStatus !== 'in_review') {
      throw new RequestError('invalid_state', `user is ${user.kycStatus}, not in review`, {
        user_id: userId,
        kyc_status: user.kycStatus,
      });
    }
    this.timers.cancel(this.pending.get(userId));
    this.pending.delete(userId);
    this.conclude(user, decision);
    return user;
  }

  reset(): void {
    for (const timer of this.pending.values()) this.timers.cancel(timer);
    this.pending.clear();
    this.delayMs = this.initialDelayMs;
  }

  private conclude(user: SandboxUser, decision: KycDecision): void {
    user.kycStatus = decision;
    this.log.info({ userId: user.id, kycStatus: decision }, 'kyc review decided');
    const { webhookCopies } = scenarioForSsn(user.ssnLastFour);
    this.webhooks.emit(kycEvent(user.id, decision, this.now()), webhookCopies);
  }
}
