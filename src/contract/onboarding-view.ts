import type { KycStatus } from '../ingo/kyc-status';
import type { DecisionSource } from './verification';

/**
 * What an onboarding reports of itself (its `status` query, its result): what the API shows the
 * product backend and operators. No personal data: ids, states, last four digits.
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

/** The last finished KYC review's account of itself. */
export interface KycReviewSummary {
  decidedBy?: DecisionSource;
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
