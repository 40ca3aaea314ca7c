import type { ApiStatus, OnboardingView } from '../../src/api/schemas';
import type { SandboxUser, WebhookEvent } from '../sandbox/admin-client';
import type { ExpectedState } from './scenarios';

/**
 * Whether a demo onboarding has reached the state its scenario expects. Every API status but
 * `in_progress` is final for the demo: `needs_attention` waits for an operator who is not coming,
 * and `kyc_failed` with `resubmitBy` waits for corrected data nobody will send. Reaching any of
 * them other than the expected one is a failed scenario.
 */

/** `timed_out`: still running when the demo's time was up. */
export type Verdict = 'running' | 'reached' | 'unexpected' | 'timed_out';

export function verdictOf(expected: ExpectedState, status: ApiStatus): Verdict {
  if (status === 'in_progress') return 'running';
  return status === expected ? 'reached' : 'unexpected';
}

export const isSettled = (verdict: Verdict) => verdict !== 'running';

/** What the sandbox says happened at Ingo for one user, to show what the workflow cannot. */
export interface IngoFacts {
  /** KYC webhooks sent (or on their way) for the user; each copy of a duplicated event counts. */
  webhooksSent: number;
  routableAccounts: number;
}

/** The facts from the user as the sandbox holds it and the webhook events recorded for it. */
export function ingoFactsOf(user: SandboxUser, events: readonly WebhookEvent[]): IngoFacts {
  const sent = events
    .filter((event) => event.user_id === user.id)
    .flatMap((event) => event.deliveries)
    .filter((delivery) => delivery.state !== 'dropped').length;
  return { webhooksSent: sent, routableAccounts: user.routable_accounts.length };
}

const masked = (last4: string) => `****${last4}`;

/** A UTC timestamp without the noise: `2026-11-21 10:04:05 UTC`. */
export function utcTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * One line on what an onboarding ended with, for its row and the summary: the accounts and
 * tokens it got, why KYC failed, or what parked it. Account numbers are masked, as the API gives
 * them. `facts` (from the sandbox) shows that duplicates and lost webhooks changed nothing.
 */
export function outcomeNote(view: OnboardingView, facts?: IngoFacts): string | undefined {
  switch (view.status) {
    case 'completed': {
      const tokens = view.payoutTokens;
      const parts = [
        view.routableAccount && `account ${masked(view.routableAccount.accountNumberLast4)}`,
        view.linkedBankAccount && `linked ${masked(view.linkedBankAccount.accountNumberLast4)}`,
        tokens?.checkByMail && `check ${masked(tokens.checkByMail.last4)}`,
        tokens?.billPay &&
          `bill pay ${masked(tokens.billPay.last4)} (${tokens.billPay.billerName})`,
        !tokens?.checkByMail && !tokens?.billPay && 'no payout destinations',
        view.kycSubmissions !== null && `KYC submissions ${view.kycSubmissions}`,
        facts && `${plural(facts.webhooksSent, 'KYC webhook')} sent`,
        facts && `${plural(facts.routableAccounts, 'routable account')} at Ingo`,
      ];
      return parts.filter(Boolean).join(', ');
    }
    case 'kyc_failed': {
      const reasons = view.kycReasons?.length ? ` (${view.kycReasons.join('; ')})` : '';
      return view.resubmitBy
        ? `awaiting corrected KYC data until ${utcTime(view.resubmitBy)}${reasons}`
        : `KYC failed${reasons}`;
    }
    case 'needs_attention': {
      const error = view.lastError;
      return error
        ? `needs attention at ${error.step}: ${error.type}: ${error.message}`
        : 'needs attention';
    }
    case 'cancelled':
      return 'cancelled';
    case 'in_progress':
      // `lastError` is kept as history after a retry: while running, it says nothing current.
      return undefined;
  }
}
