import { z } from 'zod';
import { optionalText, phone, text, usState, zip } from './fields';

/**
 * IngoPay gateway requests (wire shape) and responses (normalised), from seeds 003 and 004.
 * `participant_id`, `timestamp`, `version` and `account_type` are filled in by the client.
 */

export const INGOPAY_VERSION = 11;

const participant = {
  participant_id: z.number().int().positive(),
  timestamp: z.number().int().positive(),
  version: z.literal(INGOPAY_VERSION),
};

/** Acts as the idempotency key of tokenising calls; must not contain personal data. */
const uniqueIds = {
  participant_unique_id1: text(),
  participant_unique_id2: optionalText(),
  store_id: optionalText(),
  terminal_id: optionalText(),
  clerk_id: optionalText(),
};

const amount = z.number().min(0.01).nullish();
/** An account the payee knows the customer by: free text at Ingo, at least one character. */
const payeeAccount = z.string().trim().min(1).max(255);

// ---- envelope ------------------------------------------------------------------------------------

export const ingoPayEnvelope = z.object({
  status: z.coerce.number().int(),
  client_message: z.string().nullish(),
  data: z.unknown().optional(),
  time: z.union([z.string(), z.number()]).nullish(),
});

export interface IngoPayBody {
  status: number;
  client_message: string;
  data: Record<string, unknown>;
  time: string;
}

export const INGOPAY_STATUS = {
  SUCCESS: 100,
  IDEMPOTENT_REPLAY: 101,
  IN_PROGRESS: 104,
  MISSING_PARAMETER: 400,
  INVALID_PARAMETER: 401,
  TIMESTAMP_SKEW: 402,
  ACCOUNT_UNAVAILABLE: 700,
  CHECK_DIGIT_FAILURE: 1042,
} as const;

/** 100, 101 (idempotent replay) and 111-113 (partial address match) all carry a token. */
export function isIngoPaySuccess(status: number): boolean {
  return status === 100 || status === 101 || (status >= 111 && status <= 113);
}

// ---- biller search ---------------------------------------------------------------------------------

export const billerSearchRequest = z.object({
  ...participant,
  account: payeeAccount,
  amount,
  rail_type: z.enum(['CREDIT', 'DEBIT']).default('CREDIT'),
  participant_unique_id1: optionalText(),
});
export type BillerSearchRequest = Omit<
  z.input<typeof billerSearchRequest>,
  keyof typeof participant
>;

const money = z.union([z.string(), z.number()]).transform(String);
const flag01 = z.union([z.literal(0), z.literal(1), z.boolean()]).transform(Boolean);

const postingInfo = z
  .object({
    min: money.nullish(),
    max: money.nullish(),
    card_type: z.string().nullish(),
    estimated_posting_time: z.string().nullish(),
    estimated_posting_date: z.string().nullish(),
  })
  .transform((info) => ({
    min: info.min ?? undefined,
    max: info.max ?? undefined,
    estimatedPostingTime: info.estimated_posting_time ?? undefined,
    estimatedPostingDate: info.estimated_posting_date ?? undefined,
  }));

const biller = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    name: z.string(),
    address: z.string().nullish(),
    city: z.string().nullish(),
    state: z.string().nullish(),
    zip: z.string().nullish(),
    min: money.nullish(),
    max: money.nullish(),
    estimated_posting_time: z.string().nullish(),
    estimated_posting_date: z.string().nullish(),
    credit_enabled: flag01,
    debit_enabled: flag01,
  })
  .transform((b) => ({
    payeeId: b.id,
    name: b.name,
    address: b.address ?? undefined,
    city: b.city ?? undefined,
    state: b.state ?? undefined,
    zip: b.zip ?? undefined,
    min: b.min ?? undefined,
    max: b.max ?? undefined,
    estimatedPostingTime: b.estimated_posting_time ?? undefined,
    estimatedPostingDate: b.estimated_posting_date ?? undefined,
    creditEnabled: b.credit_enabled,
    debitEnabled: b.debit_enabled,
  }));
export type Biller = z.output<typeof biller>;

export const billerSearchResponse = z
  .object({ billers: z.array(biller) })
  .transform((data) => data.billers);

// ---- verify--check (seed 003) ----------------------------------------------------------------------

const checkRecipient = z.object({
  recipient_line1: text(),
  recipient_line2: optionalText(),
  recipient_address1: text(),
  recipient_address2: optionalText(),
  recipient_city: text(),
  recipient_state: usState,
  recipient_zip: zip,
  recipient_phone: phone.nullish(),
});

const checkBeneficiary = z.object({
  beneficiary_account: payeeAccount,
  beneficiary_first_name: text(),
  beneficiary_last_name: text(),
  beneficiary_address1: text(),
  beneficiary_address2: optionalText(),
  beneficiary_city: text(),
  beneficiary_state: usState,
  beneficiary_zip: zip,
  beneficiary_phone: phone.nullish(),
});

export const verifyCheckRequest = z
  .object({
    ...participant,
    ...uniqueIds,
    account_type: z.literal('CK'),
    recipient_is_beneficiary: z.union([z.literal(0), z.literal(1)]),
    beneficiary: checkBeneficiary,
    recipient: checkRecipient.optional(),
  })
  .refine((body) => body.recipient_is_beneficiary === 1 || body.recipient !== undefined, {
    message: 'required when recipient_is_beneficiary is 0',
    path: ['recipient'],
  });
export type VerifyCheckRequest = Omit<
  z.input<typeof verifyCheckRequest>,
  keyof typeof participant | 'account_type'
>;

export const verifyCheckResponse = z
  .object({
    customer_account_token: z.string().min(1),
    last_4: z.string(),
    estimated_posting_date: z.string().nullish(),
    estimated_posting_time: z.string().nullish(),
    participant_unique_id1: z.string().nullish(),
    participant_unique_id2: z.string().nullish(),
    request_timestamp: z.number().nullish(),
  })
  .transform((data) => ({
    customerAccountToken: data.customer_account_token,
    last4: data.last_4,
    estimatedPostingDate: data.estimated_posting_date ?? undefined,
    estimatedPostingTime: data.estimated_posting_time ?? undefined,
    participantUniqueId1: data.participant_unique_id1 ?? undefined,
  }));

// ---- verify--billpay (seed 004) ----------------------------------------------------------------------

const RAW_BILLPAY_FIELDS = [
  'account',
  'recipient_first_name',
  'recipient_last_name',
  'recipient_address1',
  'recipient_city',
  'recipient_state',
  'recipient_zip',
] as const;

export const verifyBillpayRequest = z
  .object({
    ...participant,
    ...uniqueIds,
    account_type: z.literal('BP'),
    payee_id: text(40),
    customer_account_token: text().nullish(),
    account: payeeAccount.optional(),
    recipient_first_name: text().optional(),
    recipient_last_name: text().optional(),
    recipient_business_name: optionalText(150),
    recipient_address1: text().optional(),
    recipient_address2: optionalText(),
    recipient_city: text().optional(),
    recipient_state: usState.optional(),
    recipient_zip: zip.optional(),
    recipient_email: optionalText(),
    recipient_phone: phone.nullish(),
    amount,
  })
  .superRefine((body, ctx) => {
    const rawGiven = RAW_BILLPAY_FIELDS.filter((field) => body[field] !== undefined);
    if (body.customer_account_token) {
      for (const field of rawGiven) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'must be omitted when customer_account_token is given',
        });
      }
      return;
    }
    for (const field of RAW_BILLPAY_FIELDS) {
      if (body[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'required unless customer_account_token is given',
        });
      }
    }
  });
export type VerifyBillpayRequest = Omit<
  z.input<typeof verifyBillpayRequest>,
  keyof typeof participant | 'account_type'
>;

const issuer = z
  .object({
    payee_id: z.union([z.string(), z.number()]).transform(String),
    payee_name: z.string(),
    payee_address: z.string().nullish(),
    payee_city: z.string().nullish(),
    payee_state: z.string().nullish(),
    payee_zip: z.string().nullish(),
    credit_info: postingInfo.nullish(),
    debit_info: postingInfo.nullish(),
    issuing_network: z.string().nullish(),
    credit_enabled: flag01,
    debit_enabled: flag01,
  })
  .transform((i) => ({
    payeeId: i.payee_id,
    payeeName: i.payee_name,
    creditInfo: i.credit_info ?? undefined,
    debitInfo: i.debit_info ?? undefined,
    creditEnabled: i.credit_enabled,
    debitEnabled: i.debit_enabled,
  }));

export const verifyBillpayResponse = z
  .object({
    customer_account_token: z.string().min(1),
    last_4: z.string(),
    request_timestamp: z.number().nullish(),
    issuers: z.array(issuer).default([]),
    participant_unique_id1: z.string().nullish(),
    participant_unique_id2: z.string().nullish(),
    count: z.number().int().nullish(),
  })
  .transform((data) => ({
    customerAccountToken: data.customer_account_token,
    last4: data.last_4,
    issuers: data.issuers,
    participantUniqueId1: data.participant_unique_id1 ?? undefined,
  }));
