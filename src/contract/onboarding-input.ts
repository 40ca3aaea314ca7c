import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import {
  bankAccountNumber,
  countryCode,
  dateOfBirth,
  optionalText,
  phone,
  routingNumber,
  ssn,
  text,
  usState,
  zip,
} from '../ingo/schemas/fields';
import { SIGNUP_ID_PATTERN } from './ids';

/**
 * What the product backend starts an onboarding with, validated by the API before the start and
 * again by the workflow itself (which also fills in the timing defaults). camelCase, product-facing;
 * activities translate it to Ingo's wire shapes.
 */

/** A Temporal duration: milliseconds, or a string such as `5 minutes`; normalised to ms. */
export const duration = z
  .union([z.number().int().positive(), z.string().min(1)])
  .transform((value, ctx) => {
    try {
      const ms = msToNumber(value as Parameters<typeof msToNumber>[0]);
      if (ms > 0) return ms;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a positive duration, e.g. "5 minutes"' });
    return z.NEVER;
  });

export const DEFAULT_TIMING = {
  /** How long to wait for the KYC webhook before asking Ingo. */
  kycGracePeriod: '5 minutes',
  kycPollInterval: '1 minute',
  /** Polling backs off (doubling) up to this interval. */
  kycMaxPollInterval: '1 hour',
  /** After this, an undecided KYC review goes to an operator. */
  kycDeadline: '7 days',
  /** How long a failed KYC waits for corrected data before the onboarding ends `kyc_failed`. */
  kycResubmitWindow: '7 days',
  /** One Ingo call, with its own HTTP timeout inside. */
  activityTimeout: '1 minute',
  retryInitialInterval: '1 second',
  retryMaxInterval: '1 minute',
  /** After this many failed attempts of one step, an operator is asked to look. */
  retryMaxAttempts: 10,
} as const;

/** Timing as a request or the configuration names it: any of the fields, each checked. */
export const timingOverrides = z.strictObject({
  kycGracePeriod: duration.optional(),
  kycPollInterval: duration.optional(),
  kycMaxPollInterval: duration.optional(),
  kycDeadline: duration.optional(),
  kycResubmitWindow: duration.optional(),
  activityTimeout: duration.optional(),
  retryInitialInterval: duration.optional(),
  retryMaxInterval: duration.optional(),
  retryMaxAttempts: z.number().int().min(1).max(100).optional(),
});

const DEFAULT_TIMING_MS = {
  kycGracePeriod: msToNumber(DEFAULT_TIMING.kycGracePeriod),
  kycPollInterval: msToNumber(DEFAULT_TIMING.kycPollInterval),
  kycMaxPollInterval: msToNumber(DEFAULT_TIMING.kycMaxPollInterval),
  kycDeadline: msToNumber(DEFAULT_TIMING.kycDeadline),
  kycResubmitWindow: msToNumber(DEFAULT_TIMING.kycResubmitWindow),
  activityTimeout: msToNumber(DEFAULT_TIMING.activityTimeout),
  retryInitialInterval: msToNumber(DEFAULT_TIMING.retryInitialInterval),
  retryMaxInterval: msToNumber(DEFAULT_TIMING.retryMaxInterval),
  retryMaxAttempts: DEFAULT_TIMING.retryMaxAttempts as number,
};

/** The whole timing of one onboarding: what was named, the defaults for the rest, consistent. */
export const timingSchema = timingOverrides
  .transform((named) => {
    const timing = { ...DEFAULT_TIMING_MS };
    for (const [field, value] of Object.entries(named)) {
      if (value !== undefined) timing[field as keyof typeof timing] = value;
    }
    return timing;
  })
  .refine((t) => t.kycMaxPollInterval >= t.kycPollInterval, {
    message: 'must not be shorter than kycPollInterval',
    path: ['kycMaxPollInterval'],
  })
  .refine((t) => t.retryMaxInterval >= t.retryInitialInterval, {
    message: 'must not be shorter than retryInitialInterval',
    path: ['retryMaxInterval'],
  });
export type Timing = z.output<typeof timingSchema>;
export type TimingRequest = z.input<typeof timingOverrides>;

const address = z.object({
  line1: text(),
  line2: optionalText(),
  city: text(100),
  state: usState,
  postalCode: zip,
});

/** Corrected KYC data an operator may resubmit after a failed review. */
export const kycData = z.object({ ssn, dateOfBirth });
export type KycData = z.output<typeof kycData>;

export const applicant = z.object({
  firstName: text(100),
  middleName: optionalText(100),
  lastName: text(100),
  email: z.email().max(254),
  phoneNumber: phone,
  address: address.extend({ country: countryCode.default('US') }),
  ...kycData.shape,
});
export type Applicant = z.output<typeof applicant>;

/** An external account to link, by default in the applicant's name. */
export const externalBankAccount = z.object({
  accountNumber: bankAccountNumber,
  routingNumber,
  holderFirstName: text(100).optional(),
  holderLastName: text(100).optional(),
});

/** The account the customer holds with the payee, as the payee knows it. */
const payeeAccount = z.string().trim().min(1).max(255);

/** A payee paid by mailed check (IngoPay verify--check). */
export const checkByMail = z.object({
  beneficiary: z.object({
    account: payeeAccount,
    firstName: text(),
    lastName: text(),
    address,
    phone: phone.optional(),
  }),
  /** Where the check is mailed, when not to the beneficiary (e.g. a payments department). */
  recipient: z
    .object({ nameLine1: text(), nameLine2: optionalText(), address, phone: phone.optional() })
    .optional(),
});

/** A bill account paid electronically (IngoPay biller search, then verify--billpay). */
export const billPay = z.object({
  account: payeeAccount,
  /** The biller's `payee_id`; otherwise chosen by `billerName`, or the only biller found. */
  payeeId: text(40).optional(),
  billerName: text().optional(),
  amount: z.number().min(0.01).optional(),
});

export const onboardingInput = z.object({
  signupId: z
    .string()
    .regex(SIGNUP_ID_PATTERN, 'must be 1-100 letters, digits, ".", "_", ":" or "-"'),
  applicant,
  bankAccount: externalBankAccount.optional(),
  payouts: z
    .object({ checkByMail: checkByMail.optional(), billPay: billPay.optional() })
    .optional(),
  timing: timingSchema.prefault({}),
});

/** As the product backend sends it (durations as strings or ms, defaults optional). */
export type OnboardingRequest = z.input<typeof onboardingInput>;
export type OnboardingInput = z.output<typeof onboardingInput>;
