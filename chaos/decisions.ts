import type { OnboardingApiClient } from '../src/api/client';
import { OnboardingApiError } from '../src/api/client-errors';
import type { OnboardingListItem } from '../src/api/schemas';
import { RetryCounter, transientReason, withApiRetry } from './api-retry';
import type { PlannedSignup } from './plan';
import { SandboxAdminError, type SandboxAdminClient } from '../dev/sandbox/admin-client';

/**
 * What people outside the system decide while the run goes on: customers whose KYC failed sending
 * corrected data through the API (`resubmit-kyc`, the `failed_resubmitted` signups), and Ingo's
 * compliance team deciding the reviews it holds (SSN ending 2222, through the sandbox's admin
 * API). They act on what the API lists, as a product backend or a support tool would; the watch
 * (chaos/watch.ts) hands them its listings.
 */

export interface DecisionReport {
  resubmitted: number;
  decidedVerified: number;
  decidedFailed: number;
  retries: RetryCounter;
  /** Decisions that could not be made as planned. */
  problems: { signupId: string; problem: string }[];
}

export class OutsideDecisions {
  readonly report: DecisionReport = {
    resubmitted: 0,
    decidedVerified: 0,
    decidedFailed: 0,
    retries: new RetryCounter(),
    problems: [],
  };
  private readonly resubmissions = new Map<string, PlannedSignup>();
  private readonly reviews = new Map<string, PlannedSignup>();
  /** Resubmissions answered 504: taken or not, the onboarding's submission count tells. */
  private readonly uncertain = new Set<string>();

  constructor(
    private readonly api: OnboardingApiClient,
    private readonly admin: SandboxAdminClient,
    signups: readonly PlannedSignup[],
  ) {
    for (const signup of signups) {
      if (signup.scenario === 'failed_resubmitted') this.resubmissions.set(signup.signupId, signup);
      if (signup.scenario === 'manual_verified' || signup.scenario === 'manual_failed') {
        this.reviews.set(signup.signupId, signup);
      }
    }
  }

  /** The run is over: decisions still not made are problems. */
  finish(): void {
    for (const signupId of [...this.resubmissions.keys(), ...this.reviews.keys()]) {
      this.report.problems.push({ signupId, problem: 'decision never made' });
    }
    this.resubmissions.clear();
    this.reviews.clear();
  }

  /**
   * From the `kyc_failed` listing: a customer whose review failed, while corrected data is still
   * accepted (the onboarding runs), sends it.
   */
  async resubmitFrom(items: readonly OnboardingListItem[]): Promise<void> {
    await this.settleUncertain();
    for (const item of items) {
      const signup = this.resubmissions.get(item.signupId);
      if (signup === undefined || this.uncertain.has(item.signupId)) continue;
      if (item.closedAt !== null) {
        this.resubmissions.delete(item.signupId);
        this.report.problems.push({
          signupId: item.signupId,
          problem: 'the resubmission window closed before corrected data could be sent',
        });
        continue;
      }
      try {
        await this.api.resubmitKyc(item.signupId, signup.resubmission!);
        this.report.resubmitted += 1;
        this.resubmissions.delete(item.signupId);
      } catch (error) {
        const reason = transientReason(error);
        if (reason !== undefined) {
          // 504: it may still be taken once a worker is back; its submission count will say.
          this.report.retries.count(reason);
          this.uncertain.add(item.signupId);
        } else if (error instanceof OnboardingApiError && error.status === 409) {
          // No longer awaiting data: the listing was a moment behind. Checked next time.
          this.uncertain.add(item.signupId);
        } else {
          throw error;
        }
      }
    }
  }

  /** Resubmissions whose answer did not say: taken once the onboarding counts a second one. */
  private async settleUncertain(): Promise<void> {
    for (const signupId of this.uncertain) {
      const view = await withApiRetry(() => this.api.get(signupId), this.report.retries);
      if ((view.kycSubmissions ?? 0) >= 2) {
        this.report.resubmitted += 1;
        this.resubmissions.delete(signupId);
        this.uncertain.delete(signupId);
      } else if (view.resubmitBy !== undefined) {
        // Still waiting for data: send it again.
        this.uncertain.delete(signupId);
      } else if (view.closedAt !== undefined) {
        this.uncertain.delete(signupId);
        this.resubmissions.delete(signupId);
        this.report.problems.push({
          signupId,
          problem: 'the resubmission window closed before corrected data was taken',
        });
      }
    }
  }

  /** From the `in_progress` listing: reviews Ingo holds (in review, SSN 2222) are decided. */
  async decideFrom(items: readonly OnboardingListItem[]): Promise<void> {
    for (const item of items) {
      const signup = this.reviews.get(item.signupId);
      if (signup === undefined || item.kycStatus !== 'in_review' || item.ingoUserId === null) {
        continue;
      }
      const status = signup.scenario === 'manual_verified' ? 'verified' : 'failed';
      try {
        await this.admin.decide(item.ingoUserId, status);
      } catch (error) {
        if (!(error instanceof SandboxAdminError) || error.status !== 409) throw error;
        // Not in review (any more): decided already, or not submitted yet.
        const user = await this.admin.user(item.ingoUserId);
        if (user.kyc_status !== 'verified' && user.kyc_status !== 'failed') continue;
      }
      if (status === 'verified') this.report.decidedVerified += 1;
      else this.report.decidedFailed += 1;
      this.reviews.delete(item.signupId);
    }
  }
}
