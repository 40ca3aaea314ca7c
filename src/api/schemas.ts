import { z } from 'zod';
import { KYC_STATUSES } from '../ingo/kyc-status';
import { ONBOARDING_STEPS } from '../contract/onboarding-view';
import {
  applicant,
  billPay,
  checkByMail,
  externalBankAccount,
  kycData,
  onboardingInput,
  timingOverrides,
} from '../contract/onboarding-input';

/**
 * The onboarding API's bodies, requests and responses, shared by the router (which validates what
 * comes in and what goes out) and the typed client (which validates every answer). camelCase;
 * the inner request shapes are the workflow input's own schemas, so both validate alike.
 */

/**
 * What the API reports. The workflow's `awaiting_kyc_resubmission` is `kyc_failed` with
 * `resubmitBy` set: the review failed, and corrected data is still accepted until then.
 */
export const API_STATUSES = [
  'in_progress',
  'needs_attention',
  'completed',
  'kyc_failed',
  'cancelled',
] as const;
export type ApiStatus = (typeof API_STATUSES)[number];

export const apiStatus = z.enum(API_STATUSES);
export const onboardingStep = z.enum(ONBOARDING_STEPS);
export const kycStatusValue = z.enum(KYC_STATUSES);

export const signupId = onboardingInput.shape.signupId;

/** `POST /v1/onboardings`. Unknown top-level keys are refused, so a misspelt section is not lost. */
export const startOnboardingBody = z.strictObject({
  signupId,
  applicant,
  externalBankAccount: externalBankAccount.optional(),
  payoutDestinations: z
    .object({ checkByMail: checkByMail.optional(), billPay: billPay.optional() })
    .optional(),
  // As named: the deployment's timing and the workflow's defaults fill in the rest at the start.
  timing: timingOverrides.optional(),
});
export type StartOnboardingBody = z.input<typeof startOnboardingBody>;

/** `POST /v1/onboardings/:signupId/retry`; the body may be absent. */
export const retryBody = z.strictObject({ step: onboardingStep.optional() });
export type RetryBody = z.input<typeof retryBody>;

/** `POST /v1/onboardings/:signupId/resubmit-kyc`: the workflow's own KYC data schema. */
export const resubmitKycBody = kycData;
export type ResubmitKycBody = z.input<typeof resubmitKycBody>;

/** `POST /v1/onboardings/:signupId/cancel` takes no fields. */
export const cancelBody = z.strictObject({});

export const listQuery = z.strictObject({
  status: apiStatus.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,4096}$/, 'must be a nextPageToken from an earlier page')
    .optional(),
});
export type ListQuery = z.input<typeof listQuery>;

const timestamp = z.iso.datetime({ offset: true });

/** 202 (started, or started anew after a cancellation) and 200 (it already exists). */
export const startedOnboarding = z.object({
  signupId: z.string(),
  workflowId: z.string(),
  status: apiStatus,
});
export type StartedOnboarding = z.output<typeof startedOnboarding>;

export const stepError = z.object({
  step: onboardingStep,
  type: z.string(),
  message: z.string(),
  code: z.string().optional(),
  fields: z.array(z.string()).optional(),
  at: timestamp,
});
export type ApiStepError = z.output<typeof stepError>;

export const routableAccount = z.object({
  id: z.string(),
  routingNumber: z.string(),
  accountNumberLast4: z.string(),
});

export const linkedBankAccount = z.object({
  id: z.string(),
  routingNumber: z.string(),
  accountNumberLast4: z.string(),
  bankName: z.string().optional(),
});

export const payoutTokens = z.object({
  checkByMail: z
    .object({
      customerAccountToken: z.string(),
      last4: z.string(),
      estimatedPostingDate: z.string().optional(),
      partialAddressMatch: z.boolean(),
    })
    .optional(),
  billPay: z
    .object({
      customerAccountToken: z.string(),
      last4: z.string(),
      payeeId: z.string(),
      billerName: z.string(),
      partialAddressMatch: z.boolean(),
    })
    .optional(),
});

/** The last finished KYC review's account of itself: how its decision was learned. */
export const kycReviewSummary = z.object({
  /** `webhook`, `poll`, or `submission` (Ingo answered the submission with a decision). */
  decidedBy: z.enum(['webhook', 'poll', 'submission']).optional(),
  polls: z.number().int(),
  signals: z.number().int(),
  duplicateSignals: z.number().int(),
});

/**
 * `GET /v1/onboardings/:signupId`. `detail` is `full` when the workflow answered its status
 * query, `summary` when it could not (no worker): then only what Temporal keeps without a worker
 * is known, and `attempts`, `kycSubmissions` and `routableAccount` are null for "unknown".
 */
export const onboardingView = z.object({
  signupId: z.string(),
  workflowId: z.string(),
  status: apiStatus,
  step: onboardingStep,
  kycStatus: kycStatusValue,
  ingoUserId: z.string().nullable(),
  routableAccount: routableAccount.nullable(),
  linkedBankAccount: linkedBankAccount.optional(),
  payoutTokens: payoutTokens.optional(),
  lastError: stepError.nullable(),
  kycReasons: z.array(z.string()).optional(),
  /** While KYC failed and corrected data is still accepted: until when. */
  resubmitBy: timestamp.optional(),
  attempts: z.partialRecord(onboardingStep, z.number().int()).nullable(),
  kycSubmissions: z.number().int().nullable(),
  /** Once a KYC review has finished (full detail only). */
  lastKycReview: kycReviewSummary.optional(),
  startedAt: timestamp,
  closedAt: timestamp.optional(),
  detail: z.enum(['full', 'summary']),
});
export type OnboardingView = z.output<typeof onboardingView>;

export const onboardingListItem = z.object({
  signupId: z.string(),
  workflowId: z.string(),
  status: apiStatus,
  step: onboardingStep,
  ingoUserId: z.string().nullable(),
  kycStatus: kycStatusValue,
  startedAt: timestamp,
  closedAt: timestamp.nullable(),
});
export type OnboardingListItem = z.output<typeof onboardingListItem>;

export const onboardingPage = z.object({
  items: z.array(onboardingListItem),
  /** Absent on the last page; otherwise pass it back as `pageToken`. */
  nextPageToken: z.string().optional(),
});
export type OnboardingPage = z.output<typeof onboardingPage>;

export const retryAccepted = z.object({ step: onboardingStep, attempt: z.number().int() });
export type RetryAcceptedBody = z.output<typeof retryAccepted>;

export const resubmitAccepted = z.object({ submission: z.number().int() });
export type ResubmitAcceptedBody = z.output<typeof resubmitAccepted>;

export const cancelAccepted = z.object({ status: z.literal('cancelling') });
export type CancelAcceptedBody = z.output<typeof cancelAccepted>;

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
