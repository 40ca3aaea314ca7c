import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { KycStatus } from '../ingo/kyc-status';
import type { RoutableAccountAnnouncement } from '../ingo/account-announcement';
import type { KycWebhookEvent } from '../ingo/schemas/webhook';
import type { KycData } from './onboarding-input';

/**
 * Every message the onboarding workflows accept, defined once for the workflows and for whoever
 * sends them (webhook receiver, API, operator CLI, tests). Cancelling is Temporal's own
 * cancellation (the UI's "Request Cancellation", `handle.cancel()`).
 */

export const ONBOARDING_STATUSES = [
  'in_progress',
  'awaiting_kyc_resubmission',
  'needs_attention',
  'completed',
  'kyc_failed',
  'cancelled',
] as const;
export type OnboardingStatus = (typeof ONBOARDING_STATUSES)[number];

export const ONBOARDING_STEPS = [
  'create_user',
  'kyc',
  'issue_account',
  'link_bank_account',
  'tokenize_check',
  'tokenize_bill_pay',
  'done',
] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/** The failure that parked a step, without personal data (Ingo errors never carry any). */
export interface StepError {
  step: OnboardingStep;
  /** The error's type name, e.g. `IngoValidationError`, `KycDeadlineExceeded`. */
  type: string;
  message: string;
  /** Ingo's error code, when Ingo gave one. */
  code?: string;
  /** Names of the offending fields, when known. */
  fields?: string[];
  at: string;
}

export interface RoutableAccountSummary {
  routableBankAccountId: string;
  routingNumber: string;
  accountNumberLast4: string;
}

export interface LinkedAccountSummary {
  bankAccountId: string;
  routingNumber: string;
  accountNumberLast4: string;
  bankName?: string;
}

export interface CheckPayoutToken {
  customerAccountToken: string;
  last4: string;
  estimatedPostingDate?: string;
  /** IngoPay verified the address only in part (status 111-113): worth a look before mailing. */
  partialAddressMatch: boolean;
}

export interface BillPayToken {
  customerAccountToken: string;
  last4: string;
  payeeId: string;
  billerName: string;
  partialAddressMatch: boolean;
}

export interface PayoutTokens {
  checkByMail?: CheckPayoutToken;
  billPay?: BillPayToken;
}

export type OnboardingResult =
  | {
      outcome: 'completed';
      signupId: string;
      ingoUserId: string;
      kycStatus: 'verified';
      routableAccount: RoutableAccountSummary;
      linkedBankAccount?: LinkedAccountSummary;
      payoutTokens: PayoutTokens;
    }
  | {
      outcome: 'kyc_failed';
      signupId: string;
      ingoUserId: string;
      kycStatus: 'failed';
      reasons: string[];
      reasonCodes: string[];
    };

/** How a KYC decision was learned: the webhook, a poll, or the submission's own answer. */
export type KycDecisionSource = 'webhook' | 'poll' | 'submission';

/** The last finished KYC review's account of itself. */
export interface KycReviewSummary {
  decidedBy?: KycDecisionSource;
  polls: number;
  signals: number;
  duplicateSignals: number;
}

export interface OnboardingStatusView {
  signupId: string;
  status: OnboardingStatus;
  step: OnboardingStep;
  ingoUserId?: string;
  kycStatus: KycStatus;
  /** How many times each step has been started (first run, automatic re-runs, operator retries). */
  attempts: Partial<Record<OnboardingStep, number>>;
  kycSubmissions: number;
  /** Once issued: usable before the optional steps after it have finished. */
  routableAccount?: RoutableAccountSummary;
  /** Set while the onboarding is parked in `needs_attention`, and kept as history afterwards. */
  lastError?: StepError;
  /** While `awaiting_kyc_resubmission`: when the window closes. */
  resubmitBy?: string;
  kycReasons?: string[];
  lastKycReview?: KycReviewSummary;
  result?: OnboardingResult;
}

/** A KYC webhook, forwarded by the receiver to `kyc-<ingoUserId>`: a wake-up, not the truth. */
export const kycResultSignal = defineSignal<[KycWebhookEvent]>('kycResult');

/**
 * Ingo's `account.issue.created`, forwarded by the receiver to the running onboarding of that
 * Ingo user: the account an issue call whose answer was lost created, adopted instead of a second.
 */
export const routableAccountIssuedSignal =
  defineSignal<[RoutableAccountAnnouncement]>('routableAccountIssued');

export const statusQuery = defineQuery<OnboardingStatusView>('status');

/** From the KYC review to its onboarding, whenever Ingo's answer on the review changes. */
export const kycStatusChangedSignal = defineSignal<[KycStatus]>('kycStatusChanged');

export interface RetryRequest {
  /** When given, the retry is refused unless this is the step that is parked. */
  step?: OnboardingStep;
}
export interface RetryAccepted {
  step: OnboardingStep;
  attempt: number;
}
/** Re-runs the parked step; refused unless the onboarding is in `needs_attention`. */
export const retryUpdate = defineUpdate<RetryAccepted, [RetryRequest]>('retry');

export interface ResubmitAccepted {
  submission: number;
}
/** Corrected SSN and date of birth after a failed review; refused outside the resubmit window. */
export const resubmitKycUpdate = defineUpdate<ResubmitAccepted, [KycData]>('resubmitKyc');

/** What the KYC child reports on its own `status` query. */
export interface KycProgress {
  ingoUserId: string;
  kycStatus: KycStatus;
  polls: number;
  signals: number;
  duplicateSignals: number;
  deadline: string;
}
export const kycProgressQuery = defineQuery<KycProgress>('kycProgress');
